import { closestOption, ConfigurationError, engineOptionsShape, featureOptionsShape, parseRouterConfig } from '@routekit/core';

/**
 * Validates a factory's options strictly with core's config validator: the feature and engine keys
 * that `routerMiddleware` takes, plus the adapter's own keys (which the adapter checks itself). A
 * misspelled key is a `ConfigurationError` naming it and the key it most likely meant.
 */
export function checkOptions<Options extends object>(options: Options, ownKeys: readonly string[]): Options {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('The options must be an object.', { key: '(root)' });
  const known = [...ownKeys, ...Object.keys(featureOptionsShape), ...Object.keys(engineOptionsShape)];
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (ownKeys.includes(key)) continue;
    if (!known.includes(key)) {
      const suggestion = closestOption(key, known);
      throw new ConfigurationError(`${key} is not an option; ${suggestion === undefined ? `the options are ${known.join(', ')}.` : `did you mean ${suggestion}?`}`, { key });
    }
    shared[key] = value;
  }
  // In-process calls carry no API key, so per-key limits would never apply: the validator refuses them.
  return { ...options, ...parseRouterConfig(shared, { apiKeys: false }) };
}
