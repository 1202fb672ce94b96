import type { SemanticKey } from './request-key.js';
import type { SharedAnswer } from './shared-exact-cache.js';

/**
 * One cached answer as instances share it: what a replica needs to put the entry into its own
 * exact cache and semantic index. The prompt travels as text, not as a vector: each replica embeds
 * it with its own embedder (the same hashed n-grams everywhere by default) and reads the slot
 * guard's numbers, names and negations off it, which a vector alone could not give.
 */
export interface SharedCacheEntry {
  /** The tenant the entry belongs to; it is only ever looked up within this tenant. */
  tenant: string;
  /** The exact request key (unscoped; the tenant scopes it). */
  key: string;
  /** The semantic key (the conversation before the last user message, and that message), or null when only the exact request may hit. */
  semantic: SemanticKey | null;
  answer: SharedAnswer;
  /** When the entry expires, epoch ms on the publisher's clock. */
  expiresAt: number;
}

/** A live subscription to a feed: entries already there first (the catch-up), then new ones. */
export interface CacheFeedSubscription {
  /** Resolves once the entries that were in the feed when the subscription started have been delivered. */
  readonly caughtUp: Promise<void>;
  close(): void;
}

/**
 * How cache instances tell each other what they cached (e.g. `createRedisCacheFeed()`): every
 * replica publishes what it stores and inserts what the others publish into its local index, so a
 * question cached through one replica hits through every other. The search itself stays local.
 */
export interface CacheFeed {
  /** Publishes an entry; a failure is an entry the others do not get, never an error of the request. */
  publish(entry: SharedCacheEntry): void;
  /** Delivers every live entry in the feed, then each new one, until closed. */
  subscribe(listener: (entry: SharedCacheEntry) => void): CacheFeedSubscription;
  /** Stops every subscription and releases the connections the feed opened. */
  close(): Promise<void>;
}

/** Whether a value read from a shared feed is a well-formed entry (anything else is skipped, never trusted). */
export function isSharedCacheEntry(value: unknown): value is SharedCacheEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<SharedCacheEntry>;
  const semantic = entry.semantic;
  const answer = entry.answer;
  return (
    typeof entry.tenant === 'string' &&
    typeof entry.key === 'string' &&
    typeof entry.expiresAt === 'number' &&
    (semantic === null || (typeof semantic === 'object' && semantic !== undefined && typeof semantic.context === 'string' && typeof semantic.prompt === 'string')) &&
    typeof answer === 'object' &&
    answer !== null &&
    typeof answer.id === 'string' &&
    typeof answer.response === 'object' &&
    answer.response !== null &&
    typeof answer.cost_usd === 'number' &&
    (answer.model === null || typeof answer.model === 'string')
  );
}

/**
 * A feed inside one process: for several engines in one app, and for tests. Keeps the live entries
 * so that a late subscriber catches up, as a Redis stream does.
 */
export function createMemoryCacheFeed(options: { now?: () => number; maxEntries?: number } = {}): CacheFeed {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const entries: SharedCacheEntry[] = [];
  const listeners = new Set<(entry: SharedCacheEntry) => void>();
  return {
    publish(entry) {
      const copy = structuredClone(entry);
      entries.push(copy);
      if (entries.length > maxEntries) entries.splice(0, entries.length - maxEntries);
      for (const listener of listeners) listener(structuredClone(copy));
    },
    subscribe(listener) {
      for (const entry of entries) if (entry.expiresAt > now()) listener(structuredClone(entry));
      listeners.add(listener);
      return { caughtUp: Promise.resolve(), close: () => void listeners.delete(listener) };
    },
    async close() {
      listeners.clear();
    },
  };
}
