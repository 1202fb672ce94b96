import { z } from 'zod';
import { ConfigurationError, createRedisBreakerStore, createRedisCacheFeed, createRedisCounterStore, createRedisKeyValueStore, parseConfig, type BreakerStore, type CacheFeed, type CounterStore, type KeyValueStore } from '@routekit/core';
import { createRedisFailedAuthLockout, type FailedAuthLockout } from '@routekit/operations';
import type { ReadinessCheck } from './http-bridge.js';
import type { RouterConfig } from './router-config.js';

/** Where the state replicas share lives: the `redis` key of `routekit serve --config`, or `ROUTEKIT_REDIS_URL`. */
export interface SharedStoresOptions {
  /** `redis://` or `rediss://` URL of the Redis every replica uses. */
  url: string;
  /** Prepended to every key, so several gateways (or test runs) can share one Redis. Default `routekit:`. */
  prefix?: string;
}

const redisUrl = z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL');
/** The config file's `redis` key: a URL, or `{ url, prefix }`; anything else is an error naming it. */
export const sharedStoresSchema = z.union([redisUrl, z.strictObject({ url: redisUrl, prefix: z.string().min(1).optional() })]);

/**
 * The Redis-backed stores of one gateway process, opened from one URL, so that replicas behind a
 * load balancer share every piece of state that has a shared store: rate and spend limit counters
 * (`store`, and API keys' limits through `limitStore`), circuit breakers (`resilience.breakerStore`),
 * the exact cache (`cache.shared`), the semantic cache's entries (`cache.feed`) and the failed-key
 * lockout (`apiKeyLockout`, and durable keys' through `createKeyManagement({ lockout })`). A store is opened
 * only for a feature that is on; `close()` releases every connection opened here.
 */
export interface SharedStores {
  /** The URL without its password, for the start-up line. */
  readonly where: string;
  /** The counter store for limits, also API keys' limits (`createKeyManagement({ limitStore })`). */
  readonly counters: CounterStore;
  /** The failed-key lockout, so that `maxFailures` wrong keys in total lock an address on every replica (`createKeyManagement({ lockout })`, `apiKeyLockout`). */
  readonly lockout: FailedAuthLockout;
  /** The config with every shared store a configured feature needs filled in (a store the config names itself is kept). */
  apply(config: RouterConfig): RouterConfig;
  /** For the bridge's `readiness`: `/ready` answers 503 while Redis is unreachable. */
  readonly readiness: ReadinessCheck;
  close(): Promise<void>;
}

/**
 * Opens the shared stores from the config file's `redis` value or, without one, from
 * `ROUTEKIT_REDIS_URL` (and `ROUTEKIT_REDIS_PREFIX`); undefined when neither is set (one process,
 * state in memory).
 *
 * @example
 * const shared = openSharedStores(undefined, process.env);
 * const config = shared ? shared.apply(base) : base;
 */
export function openSharedStores(fromFile: unknown, environment: NodeJS.ProcessEnv = process.env): SharedStores | undefined {
  let options: SharedStoresOptions | undefined;
  if (fromFile !== undefined) {
    const parsed = parseConfig(sharedStoresSchema, fromFile, { path: 'redis' });
    options = typeof parsed === 'string' ? { url: parsed } : { url: parsed.url, ...(parsed.prefix !== undefined && { prefix: parsed.prefix }) };
  } else if (environment.ROUTEKIT_REDIS_URL !== undefined && environment.ROUTEKIT_REDIS_URL !== '') {
    const url = environment.ROUTEKIT_REDIS_URL;
    if (!redisUrl.safeParse(url).success) throw new ConfigurationError('ROUTEKIT_REDIS_URL must be a redis:// or rediss:// URL', { key: 'ROUTEKIT_REDIS_URL' });
    options = { url, ...(environment.ROUTEKIT_REDIS_PREFIX ? { prefix: environment.ROUTEKIT_REDIS_PREFIX } : {}) };
  }
  return options === undefined ? undefined : createSharedStores(options);
}

/** The shared stores on one Redis; see `SharedStores`. */
export function createSharedStores(options: SharedStoresOptions): SharedStores {
  const { url } = options;
  const prefix = options.prefix ?? 'routekit:';
  const opened: Array<{ close?: () => Promise<void> }> = [];
  const open = <Store extends { close?: () => Promise<void> }>(store: Store): Store => {
    opened.push(store);
    return store;
  };
  // Always opened: the readiness probe reads through it (its guard answers at once during an outage).
  const values: KeyValueStore = open(createRedisKeyValueStore({ url, prefix }));
  let counters: CounterStore | undefined;
  let breakers: BreakerStore | undefined;
  let feed: CacheFeed | undefined;
  let lockout: FailedAuthLockout | undefined;
  return {
    where: url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'),
    get counters() {
      counters ??= open(createRedisCounterStore({ url, prefix }));
      return counters;
    },
    get lockout() {
      lockout ??= open(createRedisFailedAuthLockout({ url, prefix }));
      return lockout;
    },
    apply(config) {
      const limits = config.rateLimits !== undefined || config.spendLimits !== undefined;
      const breakerOn = config.resilience?.circuitBreaker !== false;
      const cache = config.cache === undefined || config.cache === false ? undefined : config.cache === true ? {} : config.cache;
      return {
        ...config,
        ...(limits && config.store === undefined && { store: this.counters }),
        ...(config.apiKeys !== undefined && config.apiKeyLockout === undefined && { apiKeyLockout: this.lockout }),
        ...(breakerOn && config.resilience?.breakerStore === undefined && { resilience: { ...config.resilience, breakerStore: (breakers ??= open(createRedisBreakerStore({ url, prefix: `${prefix}breaker:` }))) } }),
        ...(cache !== undefined && {
          cache: {
            ...cache,
            ...(cache.shared === undefined && { shared: values }),
            ...(cache.feed === undefined && { feed: (feed ??= open(createRedisCacheFeed({ url, prefix }))) }),
          },
        }),
      };
    },
    readiness: {
      name: 'redis',
      check: async () => {
        await values.get('readiness-probe');
      },
    },
    async close() {
      await Promise.all(opened.map((store) => store.close?.()));
    },
  };
}
