import { readFile } from 'node:fs/promises';
import { ComplexityScorer, InvalidRequestError, LinearScorer, shippedRouterFiles, type QualityScorer } from '@routekit/core';
import { UsageError } from '../usage-error.js';

/** The router names `--router` accepts besides a path to a router file. */
export const shippedRouterNames = ['lr', 'strong-weak', 'routerbench', 'multi-model', 'complexity'];

/** Loads `--router`: a shipped router's name, or a router JSON file written by `routekit train`. */
export async function loadRouterArgument(argument: string): Promise<QualityScorer> {
  if (argument === 'complexity') return new ComplexityScorer();
  if (Object.hasOwn(shippedRouterFiles, argument)) return new LinearScorer(shippedRouterFiles[argument]);
  let text: string;
  try {
    text = await readFile(argument, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new UsageError(`--router: expected ${shippedRouterNames.join(', ')} or a router file, got ${JSON.stringify(argument)} (no such file)`, { flag: '--router' });
  }
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    throw new InvalidRequestError(`--router ${argument}: not a router file (not valid JSON)`, { code: 'invalid_router_file', param: '--router' });
  }
  return new LinearScorer(file);
}
