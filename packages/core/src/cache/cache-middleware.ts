import { z } from 'zod';
import type { ChatResponse } from '../chat/chat-response.js';
import { InvalidRequestError } from '../errors.js';
import type { ChatResult } from '../pipeline/chat-result.js';
import type { EngineMiddleware } from '../pipeline/engine-middleware.js';
import type { Exchange } from '../pipeline/exchange.js';
import type { CacheReceipt } from '../receipts/receipt.js';
import { recordStream, refuseToCache, replayCachedResponse } from './cached-result.js';
import { requestKeys, type SemanticKey } from './request-key.js';
import { cachedResponse, resolveOrigin, ResponseCache, type CachedAnswer } from './response-cache.js';
import { SemanticCache } from './semantic-cache.js';
import type { Embedder } from './hashed-embedder.js';
import { createSharedExactCache, type SharedAnswer } from './shared-exact-cache.js';
import type { KeyValueStore } from '../stores/key-value-store.js';
import type { CacheFeed, SharedCacheEntry } from './cache-feed.js';

export interface CacheMiddlewareOptions {
  /** `cache_enabled`: false turns the cache off (receipts say `off`). Default true. */
  enabled?: boolean;
  /**
   * `similarity_threshold` of the semantic cache, 0.90..0.99. Default 0.95. A prompt at or above it
   * (n-gram cosine) hits; below it the paraphrase verifier may still accept one with the same
   * content words, or that the pair classifier accepts (below 0.94 only), down to threshold - 0.45
   * (see SemanticCacheOptions.similarityThreshold). The
   * receipt's `similarity` is the cosine in both cases.
   */
  similarityThreshold?: number;
  /** `ttl_seconds`: how long an answer stays cached. Default 3600. */
  ttlSeconds?: number;
  /** `exclude_models`: model strings (as requested) or `provider/model` ids (as answered) never cached. */
  excludeModels?: readonly string[];
  /** Requests with a higher `temperature` are neither looked up nor stored. Default 1. */
  maxTemperature?: number;
  /** Cache requests above `maxTemperature` anyway. Default false. */
  cacheHighTemperature?: boolean;
  /** Look up similar questions, not only identical requests. Default true. */
  semantic?: boolean;
  /** Bound on the memory of cached answers and their index entries, in bytes. Default 256 MiB. */
  maxBytes?: number;
  /** Most answers kept per tenant; the oldest goes first. Default 100,000. */
  maxEntriesPerTenant?: number;
  /** The semantic cache's embedder. Default: hashed n-grams with a shipped IDF table. */
  embedder?: Embedder;
  /** A store shared by gateway instances (e.g. `createRedisKeyValueStore()`): exact answers are kept there too, so another instance answers what this one cached. Similar questions are shared through `feed`. */
  shared?: KeyValueStore;
  /** Prepended to the shared store's keys. Default `cache`. */
  sharedPrefix?: string;
  /**
   * A feed shared by gateway instances (e.g. `createRedisCacheFeed()`): each instance publishes the
   * answers it caches and adds the others' to its own exact cache and semantic index, so a question
   * cached through one instance also hits, exactly or semantically, through every other. TTL, tenant
   * scope, the slot guard and exclusions apply to those entries as to its own.
   */
  feed?: CacheFeed;
}

/** The cache's plain options; the config validator spreads this shape and adds the object-valued ones (embedder, shared store). */
export const cacheOptionsSchema = z.object({
  enabled: z.boolean().optional(),
  similarityThreshold: z.number().min(0.9).max(0.99).optional(),
  ttlSeconds: z.number().positive().optional(),
  excludeModels: z.array(z.string()).optional(),
  maxTemperature: z.number().min(0).optional(),
  cacheHighTemperature: z.boolean().optional(),
  semantic: z.boolean().optional(),
  maxBytes: z.number().int().positive().optional(),
  maxEntriesPerTenant: z.number().int().positive().optional(),
  sharedPrefix: z.string().min(1).optional(),
});

/** Why this request may not be looked up (`lookup: false`) or stored (`store: false`). */
function policyFor(exchange: Exchange, excluded: ReadonlySet<string>, options: Required<Pick<CacheMiddlewareOptions, 'maxTemperature' | 'cacheHighTemperature'>>): { lookup: boolean; store: boolean; reason?: string } {
  const control = (exchange.headers['cache-control'] ?? '').toLowerCase().split(',').map((directive) => directive.trim());
  const request = exchange.request;
  if (exchange.options.cache === false) return { lookup: false, store: false, reason: 'request option' };
  if (exchange.headers['x-routekit-cache']?.trim().toLowerCase() === 'off') return { lookup: false, store: false, reason: 'x-routekit-cache' };
  if (control.includes('no-store')) return { lookup: false, store: false, reason: 'no-store' };
  if (excluded.has(exchange.original.model)) return { lookup: false, store: false, reason: 'excluded model' };
  if (!options.cacheHighTemperature && (request.temperature ?? 0) > options.maxTemperature) return { lookup: false, store: false, reason: 'temperature' };
  if ((request.n ?? 1) !== 1) return { lookup: false, store: false, reason: 'n' };
  // Redaction placeholders carry a nonce per request (`<EMAIL_1_k3x9q2>`, so a user cannot forge
  // one): such a request never matches another, and its answer holds placeholders only its own
  // request can restore. Masks (`****1234`) are the same every time and stay cacheable.
  if (exchange.receipt.pii?.action.split('+').includes('redact')) return { lookup: false, store: false, reason: 'pii placeholders' };
  // With tools, a text answer may stand for a tool the model would call next time (with side
  // effects or fresh data). Only the turn after the tool results, whose inputs are all in the
  // conversation, is cached, and only exactly.
  if (request.tools?.length && request.messages.at(-1)?.role !== 'tool') return { lookup: false, store: false, reason: 'tools' };
  if (control.includes('no-cache')) return { lookup: false, store: true, reason: 'no-cache' };
  return { lookup: true, store: true };
}

/**
 * The exact and semantic cache as engine middleware. On a hit it answers without routing or an
 * upstream call (as a stream when the client asked for one) and says so in the receipt; on a miss
 * it stores complete answers that finished with `stop`. Entries are scoped to `exchange.tenant`.
 *
 * Never cached: errors, streams that failed or were not read to the end, aborted requests, answers
 * whose finish_reason is not `stop` (tool calls, truncation, filters), refusals, `n > 1`,
 * temperature above `maxTemperature`, and requests with tools unless the last message is a tool
 * result (then exactly only). The semantic match is on the last user message; everything before
 * it and every parameter must match exactly. Opt-outs: `options.cache === false`,
 * `x-routekit-cache: off`, `cache-control: no-store` (no lookup, no store) and `no-cache` (no lookup).
 *
 * @example
 * const engine = new Engine({ call, middleware: [createCacheMiddleware({ similarityThreshold: 0.95, ttlSeconds: 600, excludeModels: ['openai/o3'] })] });
 */
export function createCacheMiddleware(options: CacheMiddlewareOptions = {}): EngineMiddleware {
  const parsed = cacheOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidRequestError(`cache option ${issue.path.join('.')}: ${issue.message}`, { param: issue.path.join('.'), code: 'invalid_cache_option' });
  }
  const enabled = options.enabled ?? true;
  const excluded = new Set(options.excludeModels ?? []);
  const policy = { maxTemperature: options.maxTemperature ?? 1, cacheHighTemperature: options.cacheHighTemperature ?? false };
  const semantic = (options.semantic ?? true) ? new SemanticCache<string>({ similarityThreshold: options.similarityThreshold ?? 0.95, ...(options.embedder ? { embedder: options.embedder } : {}) }) : null;
  const cache = new ResponseCache({
    maxBytes: options.maxBytes ?? 256 * 1024 * 1024,
    ttlMs: (options.ttlSeconds ?? 3600) * 1000,
    maxEntriesPerTenant: options.maxEntriesPerTenant ?? 100_000,
    semantic,
  });
  const ttlMs = (options.ttlSeconds ?? 3600) * 1000;
  const shared = options.shared === undefined ? undefined : createSharedExactCache({ store: options.shared, ttlMs, ...(options.sharedPrefix !== undefined && { prefix: options.sharedPrefix }) });
  const { feed } = options;
  // What other instances cached joins this one's cache for the rest of its life; an excluded
  // model's answer, an expired entry or a key this instance already holds (its own, echoed) is left out.
  feed?.subscribe((entry: SharedCacheEntry) => {
    const remaining = entry.expiresAt - Date.now();
    if (remaining <= 0 || (entry.answer.model !== null && excluded.has(entry.answer.model)) || cache.has(entry.tenant, entry.key)) return;
    cache.storeShared(entry.tenant, entry.key, entry.semantic, { id: entry.answer.id, response: entry.answer.response, model: entry.answer.model, costUsd: entry.answer.cost_usd }, remaining);
  });

  function serve(exchange: Exchange, answer: CachedAnswer, receipt: CacheReceipt): ChatResult | null {
    if (!resolveOrigin(answer).ok || (answer.model && excluded.has(answer.model))) {
      cache.evict(answer);
      return null;
    }
    return replay(exchange, { id: answer.id, response: cachedResponse(answer), model: answer.model, cost_usd: answer.costUsd }, receipt);
  }

  function replay(exchange: Exchange, answer: SharedAnswer, receipt: CacheReceipt): ChatResult {
    exchange.receipt.cache = { ...receipt, entry_id: answer.id, saved_usd: answer.cost_usd };
    exchange.receipt.winner = answer.model;
    exchange.receipt.strategy = 'cache';
    exchange.receipt.reason = `cache ${receipt.kind} hit`;
    const request = exchange.request;
    return replayCachedResponse(answer.response, { id: exchange.id, stream: request.stream === true, includeUsage: request.stream_options?.include_usage === true });
  }

  function store(exchange: Exchange, key: string, semanticKey: SemanticKey | null, response: ChatResponse): void {
    const refusal = refuseToCache(response) ?? (exchange.signal.aborted ? 'aborted' : null) ?? (exchange.receipt.winner && excluded.has(exchange.receipt.winner) ? 'excluded model' : null);
    if (refusal) {
      exchange.receipt.cache = { ...exchange.receipt.cache!, reason: refusal };
      return;
    }
    const stored = cache.store(exchange.tenant, key, semanticKey, response, exchange.receipt);
    if (shared === undefined && feed === undefined) return;
    const receipt = exchange.receipt;
    const expiresAt = Date.now() + ttlMs;
    // Shared once the engine has finalised the receipt (cost, status), after this turn of the event loop.
    setTimeout(() => {
      if (receipt.status !== 'ok') return;
      const answer: SharedAnswer = { id: stored.id, response: cachedResponse(stored), model: receipt.winner, cost_usd: receipt.cost_usd };
      shared?.put(exchange.tenant, key, answer);
      feed?.publish({ tenant: exchange.tenant, key, semantic: semanticKey, answer, expiresAt });
    }, 0).unref();
  }

  return {
    name: 'cache',
    async wrapRequest(exchange, next) {
      if (!enabled) {
        exchange.receipt.cache = { status: 'off' };
        return next();
      }
      const decision = policyFor(exchange, excluded, policy);
      if (!decision.store) {
        exchange.receipt.cache = { status: 'bypass', reason: decision.reason! };
        return next();
      }
      // Hints are part of what was asked: an answer chosen for `priority: cost` must not serve `priority: quality`.
      const hints = Object.keys(exchange.hints).length === 0 ? '' : ` ${JSON.stringify(exchange.hints, Object.keys(exchange.hints).sort())}`;
      const model = `${exchange.original.model}${hints}`;
      const { exact: key, semantic: semanticKey } = requestKeys(exchange.request, model, semantic !== null && !exchange.request.tools?.length);
      exchange.receipt.cache = decision.lookup ? { status: 'miss' } : { status: 'bypass', reason: decision.reason! };
      if (decision.lookup) {
        const exact = cache.getExact(exchange.tenant, key);
        const served = exact && serve(exchange, exact, { status: 'hit', kind: 'exact', similarity: 1 });
        if (served) return served;
        const remote = exact === undefined && shared !== undefined ? await shared.get(exchange.tenant, key) : undefined;
        if (remote !== undefined && !(remote.model !== null && excluded.has(remote.model))) return replay(exchange, remote, { status: 'hit', kind: 'exact', similarity: 1 });
        const similar = semanticKey && cache.findSimilar(exchange.tenant, semanticKey);
        if (similar && 'answer' in similar) {
          const result = serve(exchange, similar.answer, { status: 'hit', kind: 'semantic', similarity: round(similar.similarity) });
          if (result) return result;
        } else if (similar) exchange.receipt.cache = { status: 'miss', similarity: round(similar.similarity), reason: `guard: ${similar.rejected}` };
      }
      const result = await next();
      if (result.type === 'response') {
        store(exchange, key, semanticKey, result.response);
        return result;
      }
      return { type: 'stream', stream: recordStream(result.stream, (response) => store(exchange, key, semanticKey, response)) };
    },
  };
}

function round(similarity: number): number {
  return Math.round(similarity * 10_000) / 10_000;
}
