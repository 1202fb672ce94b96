import { readFile } from 'node:fs/promises';
import { ComplexityScorer, InvalidRequestError, isRouteLLMName, LinearScorer, parseModelSelector, shippedDefaultScorer, shippedRouterFiles, type QualityScorer } from '@routekit/core';
import { createSqlRouterRegistry } from '@routekit/operations';
import { UsageError } from '../usage-error.js';
import { withDatabase } from './keys.js';

/** The router names `--router` accepts besides a path to a router file. */
export const shippedRouterNames = ['default', 'auto', 'lr', 'strong-weak', 'routerbench', 'multi-model', 'complexity', 'router-<name>-<threshold>', 'learned', 'learned-v<N>'];

/**
 * Loads `--router` as the gateway would run it: `default` and `auto` (and RouteLLM's names, which run
 * as `default`) are the shipped default router, or with `--database` the router in charge there;
 * `learned` / `learned-v<N>` read the database's router registry; a model string
 * `router-<name>-<threshold>` means its scorer (the curve covers every threshold); else a shipped
 * router's name or a router JSON file written by `routekit train`.
 */
export async function loadRouterArgument(argument: string, options: { database?: string } = {}): Promise<QualityScorer> {
  if (argument.startsWith('router-')) {
    const selector = parseModelSelector(argument);
    if (selector.kind !== 'threshold') throw new UsageError(`--router: ${JSON.stringify(argument)} is not router-<name>-<threshold>`, { flag: '--router' });
    return loadRouterArgument(isRouteLLMName(selector.scorer) ? 'default' : selector.scorer, options);
  }
  if (argument === 'default' || argument === 'auto') return options.database === undefined ? shippedDefaultScorer() : ((await learnedRouter(options.database, undefined)) ?? shippedDefaultScorer());
  const learned = /^learned(?:-v(\d+))?$/.exec(argument);
  if (learned !== null) {
    if (options.database === undefined && process.env.ROUTEKIT_DATABASE === undefined) throw new UsageError(`--router ${argument} is read from a database: add --database FILE|URL`, { flag: '--database' });
    const scorer = await learnedRouter(options.database, learned[1] === undefined ? undefined : Number(learned[1]));
    if (scorer === undefined) throw new UsageError(`--router ${argument}: ${learned[1] === undefined ? 'no learned router is in charge in that database' : `no version ${learned[1]} in that database`}`, { flag: '--router' });
    return scorer;
  }
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

/** A learned router from the registry: the version given, or the one in charge (undefined: the shipped router is). */
async function learnedRouter(database: string | undefined, version: number | undefined): Promise<LinearScorer | undefined> {
  let found: LinearScorer | undefined;
  await withDatabase(database, async (opened) => {
    const registry = await createSqlRouterRegistry({ database: opened });
    if (version === undefined) {
      const { file } = await registry.active();
      if (file !== undefined) found = new LinearScorer(file);
    } else if ((await registry.list()).some((entry) => entry.version === version)) {
      found = new LinearScorer(await registry.file(version));
    }
    return 0;
  });
  return found;
}
