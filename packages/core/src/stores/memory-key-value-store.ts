import type { KeyValueStore } from './key-value-store.js';

export interface MemoryKeyValueStoreOptions {
  /** The clock used for expiry, in epoch milliseconds; tests pass a fake one. */
  now?: () => number;
}

/**
 * The default key-value store, for one process.
 *
 * @example
 * const store = createMemoryKeyValueStore();
 * await store.set('breaker:openai', 'open', 30_000);
 */
export function createMemoryKeyValueStore(options: MemoryKeyValueStoreOptions = {}): KeyValueStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const expiry = (ttlMs: number | undefined) => (ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs);
  return {
    async get(key) {
      return live(key)?.value;
    },
    async set(key, value, ttlMs) {
      entries.set(key, { value, expiresAt: expiry(ttlMs) });
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key) !== undefined) return false;
      entries.set(key, { value, expiresAt: expiry(ttlMs) });
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
    async close() {
      entries.clear();
    },
  };
}
