import { readFile } from 'node:fs/promises';
import { ComplexityScorer, LinearScorer, shippedRouterFiles, type QualityScorer } from '@routekit/core';

/** The router names `--router` accepts besides a path to a router file. */
export const shippedRouterNames = ['lr', 'strong-weak', 'routerbench', 'multi-model', 'complexity'];

/** Loads `--router`: a shipped router's name, or a router JSON file written by `routekit train`. */
export async function loadRouterArgument(argument: string): Promise<QualityScorer> {
  if (argument === 'complexity') return new ComplexityScorer();
  const shipped = shippedRouterFiles[argument];
  if (shipped !== undefined) return new LinearScorer(shipped);
  return new LinearScorer(JSON.parse(await readFile(argument, 'utf8')));
}
