import { ConfigurationError } from '../errors.js';
import { closestOption } from './closest-option.js';
import { engineOptionsShape, featureOptionsShape } from './feature-options-schema.js';
import { parseRouterConfig } from './parse-router-config.js';

/**
 * The options of an in-process adapter's factory (`createRoutekit`, `RoutedChatModel`, `RoutedLLM`,
 * `createRoutedClient`), under routerMiddleware's rules: an unknown key is a ConfigurationError
 * naming it and the option it most likely meant; the feature and engine keys are validated by core
 * key by key (seed 002's names included); per-key limits are refused, since in-process calls carry
 * no API key. The adapter's own keys (`ownKeys`) are left for the adapter to check.
 *
 * @example
 * const options = parseAdapterOptions(input, ['models', 'model'], 'RoutedLLM');
 */
export function parseAdapterOptions<Options extends object>(options: Options, ownKeys: readonly string[], factory: string): Options {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigurationError(`${factory} takes one options object.`, { key: '(root)' });
  const known = [...ownKeys, ...Object.keys(featureOptionsShape), ...Object.keys(engineOptionsShape)];
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (ownKeys.includes(key)) continue;
    if (!known.includes(key)) {
      const near = closestOption(key, known);
      throw new ConfigurationError(`${factory}: ${key} is not an option${near === undefined ? '' : `; did you mean ${near}?`}`, { key });
    }
    shared[key] = value;
  }
  return { ...options, ...parseRouterConfig(shared, { apiKeys: false }) };
}
