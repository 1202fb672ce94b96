import { closestOption, ConfigurationError, engineOptionsShape, featureOptionsShape, parseRouterConfig } from '@routekit/core';

/**
 * Strict options, under routerMiddleware's rules: an unknown key is a ConfigurationError naming it
 * and the option it most likely meant, and the features (`pii`, `cache`, `rateLimits`,
 * `spendLimits`, `store`, ...) and engine keys (`defaultModel`, `maxAttempts`, `receipts`, ...) are
 * validated by core key by key, seed names included. The adapter's own keys it checks itself.
 */
export function parseAdapterOptions<Options extends object>(options: Options, ownKeys: readonly string[], factory: string): Options {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigurationError(`${factory} takes one options object.`, { key: '' });
  const known = [...ownKeys, ...Object.keys(featureOptionsShape), ...Object.keys(engineOptionsShape)];
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = closestOption(key, known);
    throw new ConfigurationError(`${factory}: ${key} is not an option${near === undefined ? '' : `; did you mean ${near}?`}`, { key });
  }
  const shared: Record<string, unknown> = Object.fromEntries(Object.entries(options).filter(([key]) => !ownKeys.includes(key)));
  for (const feature of ['rateLimits', 'spendLimits']) {
    const limits = shared[feature] as { perKey?: unknown; keys?: unknown } | undefined;
    const field = limits?.perKey !== undefined ? 'perKey' : limits?.keys !== undefined ? 'keys' : undefined;
    // In-process calls carry no API key, so a per-key limit would never apply.
    if (field !== undefined) throw new ConfigurationError(`${factory}: ${feature}.${field} limits API keys, which in-process calls do not have; use perTenant (with tenant) or global.`, { key: `${feature}.${field}` });
  }
  return { ...options, ...parseRouterConfig(shared) };
}
