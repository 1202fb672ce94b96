import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ChatResponse } from '../chat/chat-response.js';
import type { Receipt } from '../receipts/receipt.js';
import type { SemanticKey } from './request-key.js';
import type { AnalysedPrompt, SemanticCache, SemanticEntryHandle } from './semantic-cache.js';
import type { GuardVerdict } from './slot-guard.js';

/** A cached answer and what the original request cost. Holds no prompt text. */
export interface CachedAnswer {
  readonly id: string;
  readonly tenant: string;
  /** The tenant-scoped exact key the entry is stored under. */
  readonly key: string;
  /**
   * The answer as JSON (read it with `cachedResponse`). A copy taken when it was stored, as the
   * engine may still change the response it returns; and one string per entry, where the object
   * was a dozen that every full garbage collection marks again, for tens of thousands of entries.
   */
  readonly responseJson: string;
  /** Filled from the original receipt the first time the entry is served (see `resolveOrigin`). */
  model: string | null;
  costUsd: number;
  /** The original request's receipt, until the engine has surely finalised it. */
  origin: Receipt | null;
  semantic: SemanticEntryHandle | null;
  readonly bytes: number;
}

export interface ResponseCacheOptions {
  maxBytes: number;
  ttlMs: number;
  maxEntriesPerTenant: number;
  semantic: SemanticCache<string> | null;
}

/** Lookups whose analysed prompt is kept for the store that follows (see `#analysedFor`). */
const analysedKept = 64;

// Embeddings, slots and bookkeeping per entry, beside the answer's own JSON.
const ENTRY_OVERHEAD_BYTES = 1024;

function scoped(tenant: string, key: string): string {
  return `${tenant}\u0000${key}`;
}

/**
 * Answers by exact request key, with a semantic index over the same entries. One LRU bounds both
 * by bytes and TTL; evicting an entry removes it from the semantic index too. Every key and every
 * semantic scope starts with the tenant, so no lookup crosses tenants.
 */
export class ResponseCache {
  readonly #entries: LRUCache<string, CachedAnswer>;
  readonly #semantic: SemanticCache<string> | null;
  readonly #maxEntriesPerTenant: number;
  readonly #keysByTenant = new Map<string, Set<string>>();
  readonly #ttlMs: number;
  /** Semantic inserts not yet made: run after the answer has been written, or before the next semantic lookup, whichever comes first. */
  readonly #pending: Array<() => void> = [];
  /**
   * The last lookups' prompts with their analysis, by the semantic key object they were made for:
   * the middleware passes the same object to `findSimilar` and to `store`, so the store reuses the
   * lookup's embedding and search. Compared by identity in a ring, newest first: a map keyed by
   * the prompt text hashed the whole text on every request.
   */
  readonly #analysedKeys: Array<SemanticKey | null> = new Array<SemanticKey | null>(analysedKept).fill(null);
  readonly #analysedPrompts: Array<AnalysedPrompt | null> = new Array<AnalysedPrompt | null>(analysedKept).fill(null);
  #newestAnalysed = 0;

  constructor(options: ResponseCacheOptions) {
    this.#semantic = options.semantic;
    this.#ttlMs = options.ttlMs;
    this.#maxEntriesPerTenant = options.maxEntriesPerTenant;
    this.#entries = new LRUCache<string, CachedAnswer>({
      maxSize: options.maxBytes,
      ttl: options.ttlMs,
      sizeCalculation: (entry) => entry.bytes,
      dispose: (entry, key, reason) => this.#forget(entry, key, reason === 'set'),
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  getExact(tenant: string, key: string): CachedAnswer | undefined {
    return this.#entries.get(scoped(tenant, key));
  }

  /** The semantic match of the prompt in the tenant's context, if its entry is still alive. */
  findSimilar(tenant: string, semanticKey: SemanticKey): { answer: CachedAnswer; similarity: number } | { rejected: Exclude<GuardVerdict, null>; similarity: number } | null {
    if (!this.#semantic) return null;
    this.flush();
    const analysed = this.#semantic.analyse(semanticKey.prompt);
    this.#newestAnalysed = this.#newestAnalysed === analysedKept - 1 ? 0 : this.#newestAnalysed + 1;
    this.#analysedKeys[this.#newestAnalysed] = semanticKey;
    this.#analysedPrompts[this.#newestAnalysed] = analysed;
    const match = this.#semantic.lookup(scoped(tenant, semanticKey.context), analysed);
    if (!match || !match.hit) return match;
    const answer = this.#entries.get(match.value);
    if (!answer || answer.tenant !== tenant) return null;
    return { answer, similarity: match.similarity };
  }

  store(tenant: string, key: string, semanticKey: SemanticKey | null, response: ChatResponse, origin: Receipt): CachedAnswer {
    const id = `cache_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
    return this.#insert(tenant, key, semanticKey, { id, response, model: null, costUsd: 0, origin });
  }

  /** Whether an answer is cached under this exact key (without touching its recency). */
  has(tenant: string, key: string): boolean {
    return this.#entries.has(scoped(tenant, key));
  }

  /**
   * Adds an answer another instance cached (through a cache feed), with what it cost and which
   * model gave it, for the rest of its life (`ttlMs`, at most this cache's own TTL).
   */
  storeShared(tenant: string, key: string, semanticKey: SemanticKey | null, shared: { id: string; response: ChatResponse; model: string | null; costUsd: number }, ttlMs: number): CachedAnswer {
    return this.#insert(tenant, key, semanticKey, { ...shared, origin: null }, ttlMs);
  }

  #insert(tenant: string, key: string, semanticKey: SemanticKey | null, parts: Pick<CachedAnswer, 'id' | 'model' | 'costUsd' | 'origin'> & { response: ChatResponse }, ttlMs?: number): CachedAnswer {
    const fullKey = scoped(tenant, key);
    const responseJson = JSON.stringify(parts.response);
    const answer: CachedAnswer = {
      id: parts.id,
      model: parts.model,
      costUsd: parts.costUsd,
      origin: parts.origin,
      responseJson,
      tenant,
      key: fullKey,
      semantic: null,
      bytes: ENTRY_OVERHEAD_BYTES + 2 * (responseJson.length + (semanticKey?.prompt.length ?? 0)),
    };
    this.#entries.set(fullKey, answer, ttlMs === undefined ? undefined : { ttl: Math.min(ttlMs, this.#ttlMs) });
    if (!this.#entries.has(fullKey)) return answer; // larger than the whole cache: not kept
    let keys = this.#keysByTenant.get(tenant);
    if (!keys) this.#keysByTenant.set(tenant, (keys = new Set()));
    keys.delete(fullKey);
    keys.add(fullKey);
    const semantic = this.#semantic;
    // The HNSW insert (and what is left of the prompt's analysis) is the larger part of a store: it
    // waits until the answer is on its way, unless a lookup needs the index first.
    this.#pending.push(() => {
      if (this.#entries.peek(fullKey) !== answer) return;
      if (semanticKey && semantic) answer.semantic = semantic.store(scoped(tenant, semanticKey.context), this.#analysedFor(semanticKey), fullKey);
      // By the next turn the engine has usually finished the receipt: keep the two fields a hit
      // needs and let the receipt go, rather than hold one (a few KB) for every entry never served.
      if (parts.origin !== null && parts.origin.duration_ms !== undefined && !resolveOrigin(answer).ok) this.evict(answer);
    });
    if (this.#pending.length === 1) setImmediate(() => this.flush());
    while (keys.size > this.#maxEntriesPerTenant) this.#entries.delete(keys.values().next().value!);
    return answer;
  }

  /** The prompt a recent lookup analysed for this very key object, or the bare text (an entry from the feed, or a lookup long past). */
  #analysedFor(semanticKey: SemanticKey): AnalysedPrompt | string {
    for (let age = 0, slot = this.#newestAnalysed; age < analysedKept; age += 1, slot = slot === 0 ? analysedKept - 1 : slot - 1) {
      if (this.#analysedKeys[slot] === semanticKey) return this.#analysedPrompts[slot]!;
    }
    return semanticKey.prompt;
  }

  /** Makes the semantic inserts still waiting (see `store`); lookups call it first, so they see every answer stored before them. */
  flush(): void {
    for (const insert of this.#pending.splice(0)) insert();
  }

  /** Drops an entry that must not be served (its original request failed, or its model is excluded). */
  evict(answer: CachedAnswer): void {
    if (this.#entries.peek(answer.key) === answer) this.#entries.delete(answer.key);
  }

  #forget(entry: CachedAnswer, key: string, replaced: boolean): void {
    if (entry.semantic) this.#semantic?.remove(entry.semantic);
    entry.semantic = null;
    const keys = this.#keysByTenant.get(entry.tenant);
    // A `set` over an existing key disposes the old entry: the key stays in the tenant's list.
    if (keys && !replaced) {
      keys.delete(key);
      if (keys.size === 0) this.#keysByTenant.delete(entry.tenant);
    }
  }
}

/** The cached answer, as a fresh object on every call. */
export function cachedResponse(answer: CachedAnswer): ChatResponse {
  return JSON.parse(answer.responseJson) as ChatResponse;
}

/**
 * Reads what the original answer cost and which model gave it, once the engine has finalised the
 * receipt (after the response returned or the stream ended), and forgets the receipt.
 */
export function resolveOrigin(answer: CachedAnswer): { ok: boolean } {
  const origin = answer.origin;
  if (!origin) return { ok: true };
  answer.origin = null;
  answer.model = origin.winner;
  answer.costUsd = origin.cost_usd;
  return { ok: origin.status === 'ok' };
}
