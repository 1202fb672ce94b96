import { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store.js';

export interface RedisKeyValueStoreOptions {
  /** A connected ioredis client to use; the store then leaves closing it to the caller. */
  redis?: Redis;
  /** A Redis URL to connect to when no client is given; defaults to `REDIS_URL` or `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prepended to every key; default `routekit:`. */
  prefix?: string;
}

/**
 * Key-value entries in Redis, shared by every gateway instance on the same server.
 *
 * @example
 * const store = createRedisKeyValueStore({ url: 'redis://127.0.0.1:6379' });
 * if (await store.setIfAbsent('breaker:openai:probe', 'me', 5_000)) await probe();
 */
export function createRedisKeyValueStore(options: RedisKeyValueStoreOptions = {}): KeyValueStore {
  const owned = options.redis === undefined;
  const redis = options.redis ?? new Redis(options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = options.prefix ?? 'routekit:';
  const milliseconds = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));
  return {
    async get(key) {
      return (await redis.get(prefix + key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      if (ttlMs === undefined) await redis.set(prefix + key, value);
      else await redis.set(prefix + key, value, 'PX', milliseconds(ttlMs));
    },
    async setIfAbsent(key, value, ttlMs) {
      const reply = ttlMs === undefined ? await redis.set(prefix + key, value, 'NX') : await redis.set(prefix + key, value, 'PX', milliseconds(ttlMs), 'NX');
      return reply === 'OK';
    },
    async delete(key) {
      await redis.del(prefix + key);
    },
    async close() {
      if (owned) await redis.quit();
    },
  };
}
