import { type CounterStore, createRateLimitMiddleware, createSpendLimitMiddleware, type EngineMiddleware, type RateLimitRule, type SpendLimitOptions, type SpendPolicy } from '@routekit/core';
import type { ApiKeyRecord } from './sql-api-key-store.js';

export interface KeyLimitsOptions {
  /** Where the counters live: share a Redis store between instances. Default: process memory. */
  store?: CounterStore;
  /** When the store does not answer; as in the rate and spend limiters. */
  onStoreFailure?: 'open' | 'closed';
  /** Spend alerts of keys' spend policies. */
  onAlert?: SpendLimitOptions['onAlert'];
}

/**
 * The rate and spend limits stored on API keys, fed into the existing limit middleware: each
 * limiter is given a per-key rule table that `observe` fills from the key that just authenticated,
 * so a limit set (or changed) through the admin API applies from the key's next request, with the
 * limiters' own windows, headers, 429/402 answers and shared stores.
 *
 * @example
 * const limits = createKeyLimits({ store: createRedisCounterStore() });
 * new Engine({ ..., middleware: limits.middleware });
 * limits.observe(authenticated.record);
 */
export function createKeyLimits(options: KeyLimitsOptions = {}) {
  // Null-prototype tables: key ids come from the database, never a key into Object.prototype.
  const rateRules: Record<string, RateLimitRule> = Object.create(null);
  const spendRules: Record<string, SpendPolicy> = Object.create(null);
  const middleware: EngineMiddleware[] = [
    createRateLimitMiddleware({ keys: rateRules, prefix: 'rl-key', ...(options.store && { store: options.store }), ...(options.onStoreFailure && { onStoreFailure: options.onStoreFailure }) }),
    createSpendLimitMiddleware({ keys: spendRules, prefix: 'spend-key', ...(options.store && { store: options.store }), ...(options.onStoreFailure && { onStoreFailure: options.onStoreFailure }), ...(options.onAlert && { onAlert: options.onAlert }) }),
  ];
  return {
    /** Limiters to put on the engine (the gateway does this when it is given the operations). */
    middleware,
    /** Records the limits of a key that just authenticated, replacing what was known of it. */
    observe(record: ApiKeyRecord): void {
      if (record.policy.rateLimit === undefined) delete rateRules[record.id];
      else rateRules[record.id] = record.policy.rateLimit;
      if (record.policy.spendLimit === undefined) delete spendRules[record.id];
      else spendRules[record.id] = record.policy.spendLimit;
    },
  };
}

export type KeyLimits = ReturnType<typeof createKeyLimits>;
