import type { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store.js';
import { createRedisConnection, whenReady } from './redis-connection.js';
import { createStoreGuard } from './store-guard.js';

export interface RedisKeyValueStoreOptions {
  /** A connected ioredis client to use; the store then leaves closing it to the caller. */
  redis?: Redis;
  /** A Redis URL to connect to when no client is given; defaults to `REDIS_URL` or `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prepended to every key; default `routekit:`. */
  prefix?: string;
  /** How long an operation may take before Redis is pinged, in ms; while Redis answers the ping, a caller waits up to 4 times this, then gets a StoreUnavailableError. Default 250. */
  timeoutMs?: number;
  /** After a failure, how long operations fail at once before one probes Redis again, in ms. Default 1,000. */
  retryAfterFailureMs?: number;
  /** Where the one line per outage and per recovery goes. Default `console.warn`. */
  log?: (message: string) => void;
}

/**
 * Key-value entries in Redis, shared by every gateway instance on the same server. A caller waits
 * at most 4 × `timeoutMs` and gets a StoreUnavailableError while Redis is down
 * (logged once per outage), so a caller can fall back to local state.
 *
 * @example
 * const store = createRedisKeyValueStore({ url: 'redis://127.0.0.1:6379' });
 * if (await store.setIfAbsent('breaker:openai:probe', 'me', 5_000)) await probe();
 */
export function createRedisKeyValueStore(options: RedisKeyValueStoreOptions = {}): KeyValueStore {
  const timeoutMs = options.timeoutMs ?? 250;
  const owned = options.redis === undefined;
  const redis = options.redis ?? createRedisConnection(options.url, timeoutMs);
  const prefix = options.prefix ?? 'routekit:';
  const milliseconds = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));
  const guard = createStoreGuard({
    name: 'key-value store on Redis',
    timeoutMs,
    ping: async () => {
      if (owned) await whenReady(redis);
      return redis.ping();
    },
    ...(options.retryAfterFailureMs !== undefined && { retryAfterFailureMs: options.retryAfterFailureMs }),
    ...(options.log !== undefined && { log: options.log }),
  });
  const run = <T>(operation: () => Promise<T>) =>
    guard.run(async () => {
      if (owned) await whenReady(redis);
      return operation();
    });
  return {
    async get(key) {
      return (await run(() => redis.get(prefix + key))) ?? undefined;
    },
    async set(key, value, ttlMs) {
      if (ttlMs === undefined) await run(() => redis.set(prefix + key, value));
      else await run(() => redis.set(prefix + key, value, 'PX', milliseconds(ttlMs)));
    },
    async setIfAbsent(key, value, ttlMs) {
      const reply = await run(() => (ttlMs === undefined ? redis.set(prefix + key, value, 'NX') : redis.set(prefix + key, value, 'PX', milliseconds(ttlMs), 'NX')));
      return reply === 'OK';
    },
    async delete(key) {
      await run(() => redis.del(prefix + key));
    },
    async close() {
      if (owned) redis.disconnect();
    },
  };
}
