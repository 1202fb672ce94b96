import { createHash } from 'node:crypto';
import type { ChatResponse } from '../chat/chat-response.js';
import type { KeyValueStore } from '../stores/key-value-store.js';

/** An exact-cache answer as instances share it: the answer and what the original request cost. */
export interface SharedAnswer {
  id: string;
  response: ChatResponse;
  /** The model that answered, as a routekit id. */
  model: string | null;
  cost_usd: number;
}

/** The exact cache's second level, in a store every instance reads (Redis). */
export interface SharedExactCache {
  /** The answer another instance stored for this tenant and exact key; undefined when missing, expired or unreadable (a miss). */
  get(tenant: string, key: string): Promise<SharedAnswer | undefined>;
  /** Stores an answer; failures are a cache that did not fill, never an error of the request. */
  put(tenant: string, key: string, answer: SharedAnswer): void;
}

/**
 * The exact cache shared by gateway instances through a KeyValueStore (e.g. the Redis one), so a
 * second instance answers what the first cached. Keys are SHA-256 of tenant and exact request key,
 * so no prompt text reaches the store's key space and no tenant reads another's entry. The
 * semantic index stays per process: only identical requests are shared.
 *
 * @example
 * const shared = createSharedExactCache({ store: createRedisKeyValueStore({ url: process.env.REDIS_URL }), ttlMs: 3_600_000 });
 */
export function createSharedExactCache(options: {
  /** Where entries live; share one between instances. */
  store: KeyValueStore;
  /** How long an entry lives, in ms. */
  ttlMs: number;
  /** Prepended to keys. Default `cache`. */
  prefix?: string;
}): SharedExactCache {
  const prefix = options.prefix ?? 'cache';
  const keyOf = (tenant: string, key: string) => `${prefix}:${createHash('sha256').update(JSON.stringify([tenant, key])).digest('hex')}`;
  return {
    async get(tenant, key) {
      let text: string | undefined;
      try {
        text = await options.store.get(keyOf(tenant, key));
      } catch {
        // An unreachable store is a miss: the request goes upstream as it would without a cache.
        return undefined;
      }
      if (text === undefined) return undefined;
      try {
        const value = JSON.parse(text) as SharedAnswer;
        return typeof value === 'object' && value !== null && typeof value.id === 'string' && typeof value.response === 'object' && typeof value.cost_usd === 'number' ? value : undefined;
      } catch {
        return undefined;
      }
    },
    put(tenant, key, answer) {
      options.store.set(keyOf(tenant, key), JSON.stringify(answer), options.ttlMs).catch(() => undefined);
    },
  };
}
