import { createCacheMiddleware, type CacheMiddlewareOptions } from '../cache/cache-middleware.js';
import { createRateLimitMiddleware, type RateLimitOptions } from '../guard/limits/rate-limit-middleware.js';
import { createSpendLimitMiddleware, type SpendLimitOptions } from '../guard/limits/spend-limit-middleware.js';
import { createPiiMiddleware, type PiiOptions } from '../guard/pii/pii-middleware.js';
import { createTracingMiddleware, type TracingOptions } from '../observability/tracing-middleware.js';
import type { LimitContext } from '../guard/limits/limit-scopes.js';
import type { CounterStore } from '../stores/counter-store.js';
import type { EngineMiddleware } from './engine-middleware.js';

/** The built-in features, each off unless configured. */
export interface FeatureOptions {
  /** Requests and tokens per minute, requests per day; per key, tenant and globally. */
  rateLimits?: RateLimitOptions;
  /** PII redaction before the prompt leaves, restored in the answer; `true` for the default policy. */
  pii?: PiiOptions | boolean;
  /** Exact and semantic answer cache; `true` for the defaults. */
  cache?: CacheMiddlewareOptions | boolean;
  /** Spend limits per request, day, week and month; per key, tenant and globally. */
  spendLimits?: SpendLimitOptions;
  /** Where limit and spend counters live unless a feature names its own: share a Redis store between instances. */
  store?: CounterStore;
  /** OpenTelemetry spans per request and per attempt (GenAI conventions), through the app's own SDK; on unless `false`. */
  tracing?: TracingOptions | boolean;
}

/**
 * The built-in features in their one order: tracing outermost (its span covers everything), rate
 * limits next (cheapest refusal), PII before the cache (so cache keys never hold PII), the cache
 * before routing (a hit skips it), and spend around each call (it needs the chosen model's price).
 */
export function featureStack(options: FeatureOptions, context: LimitContext = {}): EngineMiddleware[] {
  const store = options.store === undefined ? {} : { store: options.store };
  const stack: Array<EngineMiddleware | undefined> = [
    options.tracing === false ? undefined : createTracingMiddleware(options.tracing === true || options.tracing === undefined ? {} : options.tracing),
    options.rateLimits && createRateLimitMiddleware({ ...store, ...options.rateLimits }, context),
    options.pii ? createPiiMiddleware(options.pii === true ? {} : options.pii) : undefined,
    options.cache ? createCacheMiddleware(options.cache === true ? {} : options.cache) : undefined,
    options.spendLimits && createSpendLimitMiddleware({ ...store, ...options.spendLimits }, context),
  ];
  return stack.filter((feature) => feature !== undefined);
}
