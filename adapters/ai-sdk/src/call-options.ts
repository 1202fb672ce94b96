import type { LanguageModelV4CallOptions } from '@ai-sdk/provider';
import { InvalidRequestError, type RoutingHints } from '@routekit/core';

/** Per-call routekit options, given as `providerOptions: { routekit: { ... } }` like any provider's. */
export interface RoutekitCallOptions {
  /** Whose call this is: caches, limits and spend are scoped to it. Default `default`. */
  tenant?: string;
  /** Hints that steer `auto`: `priority`, `max_latency_ms`, `prefer_providers`, `exclude_providers`, `min_quality_score`. */
  hints?: RoutingHints;
  /** `false` skips the cache for this call. */
  cache?: boolean;
}

const callOptionKeys = new Set(['tenant', 'hints', 'cache']);

/** Takes routekit's own provider options out of a call (the delegate never sees them) and checks them. */
export function readCallOptions(appOptions: LanguageModelV4CallOptions): RoutekitCallOptions & { options: LanguageModelV4CallOptions } {
  const { routekit, ...others } = appOptions.providerOptions ?? {};
  const options = appOptions.providerOptions === undefined ? appOptions : { ...appOptions, providerOptions: others };
  if (routekit === undefined) return { options };
  for (const key of Object.keys(routekit)) {
    if (!callOptionKeys.has(key)) throw new InvalidRequestError(`Unknown routekit call option "${key}"; the options are tenant, hints and cache.`, { param: `providerOptions.routekit.${key}` });
  }
  const { tenant, hints, cache } = routekit;
  if (tenant !== undefined && typeof tenant !== 'string') throw new InvalidRequestError('providerOptions.routekit.tenant must be a string.', { param: 'providerOptions.routekit.tenant' });
  if (hints !== undefined && (hints === null || typeof hints !== 'object' || Array.isArray(hints))) throw new InvalidRequestError('providerOptions.routekit.hints must be an object.', { param: 'providerOptions.routekit.hints' });
  if (cache !== undefined && typeof cache !== 'boolean') throw new InvalidRequestError('providerOptions.routekit.cache must be a boolean.', { param: 'providerOptions.routekit.cache' });
  return { options, ...(tenant !== undefined && { tenant }), ...(hints !== undefined && { hints: hints as RoutingHints }), ...(cache !== undefined && { cache }) };
}
