import { parseDuration } from '@routekit/http';
import { UsageError } from '../usage-error.js';

/**
 * `learning` in `routekit serve --config`, as the environment `learningFromEnvironment` reads:
 * `true` / `false` (ROUTEKIT_LEARNING), or `{ retrainEvery: '6h' }` (learning on, retraining on a
 * schedule: ROUTEKIT_RETRAIN_EVERY). The file wins over the environment; anything else is an error
 * naming the key.
 *
 * @example
 * learningEnvironment({ retrainEvery: '6h' }, process.env); // { ...process.env, ROUTEKIT_LEARNING: 'true', ROUTEKIT_RETRAIN_EVERY: '6h' }
 */
export function learningEnvironment(learning: unknown, environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (learning === undefined) return environment;
  if (typeof learning === 'boolean') return { ...environment, ROUTEKIT_LEARNING: String(learning) };
  if (typeof learning !== 'object' || learning === null || Array.isArray(learning)) throw new UsageError('learning in the config file must be true, false or { retrainEvery: DURATION }', { flag: '--config' });
  const unknown = Object.keys(learning).find((key) => key !== 'retrainEvery');
  if (unknown !== undefined) throw new UsageError(`learning.${unknown} in the config file is not an option (expected retrainEvery)`, { flag: '--config' });
  const { retrainEvery } = learning as { retrainEvery?: unknown };
  if (typeof retrainEvery !== 'string') throw new UsageError('learning.retrainEvery in the config file must be a duration such as 6h or 30m', { flag: '--config' });
  // Checked here so that the error names the file's key rather than the variable it becomes.
  parseDuration(retrainEvery, 'learning.retrainEvery in the config file', 60_000);
  return { ...environment, ROUTEKIT_LEARNING: 'true', ROUTEKIT_RETRAIN_EVERY: retrainEvery };
}
