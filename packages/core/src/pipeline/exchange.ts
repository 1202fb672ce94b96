import type { ChatRequest } from '../chat/chat-request.js';
import type { ModelInfo } from '../catalog/model-info.js';
import type { Receipt } from '../receipts/receipt.js';
import type { RoutingDecision } from '../routing/routing-decision.js';
import type { RoutingHints } from '../routing/routing-hints.js';

/** What an adapter hands the engine for one request. */
export interface ExchangeInput {
  /** The request, already validated by `parseChatRequest`. */
  request: ChatRequest;
  /** Whose request this is: caches, limits and spend are scoped to it. */
  tenant?: string;
  /** The id (not the secret) of the API key used, for per-key limits. */
  apiKeyId?: string | null;
  /** Routing hints from the request body or headers. */
  hints?: RoutingHints;
  /** Request metadata the features read (e.g. `cache-control`, `x-fallback-chain`, `x-routekit-deadline-ms`), with lower-case names. */
  headers?: Record<string, string | undefined>;
  /** Aborts upstream work when the client goes away. */
  signal?: AbortSignal;
  /** Per-request switches from the body or headers, e.g. `{ cache: false }`. */
  options?: RequestOptions;
}

/** Per-request switches that are routekit's, not the provider's. */
export interface RequestOptions {
  /** `false` skips the caches for this request (no lookup, no store). */
  cache?: boolean;
  /** The request's overall deadline in ms (`x-routekit-deadline-ms`); the engine's default when omitted. */
  deadlineMs?: number;
  /** Models to try in order when the chosen one fails (`x-fallback-chain`). */
  fallbackChain?: string[];
  /** `false`: no other model when the first candidate fails (a tenant's `fallback_enabled: false`); it still gets its retries. */
  fallback?: boolean;
}

/**
 * One request on its way through the engine. Middleware may replace `request` (redaction does),
 * set `decision` and fill the receipt; adapters read `responseHeaders` and `receipt`.
 */
export interface Exchange {
  readonly id: string;
  /** `performance.now()` when the engine took the request. */
  readonly startedAt: number;
  /** The request as the client sent it (after validation). */
  readonly original: ChatRequest;
  /** The request as it will be sent on; middleware may replace it. */
  request: ChatRequest;
  readonly tenant: string;
  readonly apiKeyId: string | null;
  readonly hints: RoutingHints;
  readonly headers: Record<string, string | undefined>;
  readonly options: RequestOptions;
  readonly signal: AbortSignal;
  /** The ranked candidates, once routing has decided. */
  decision?: RoutingDecision;
  readonly receipt: Receipt;
  /** Headers the adapter should send back, e.g. `x-ratelimit-remaining`. */
  readonly responseHeaders: Record<string, string>;
  /** Per-request state middleware shares with later hooks of its own. */
  readonly state: Map<string, unknown>;
}

/** One attempt to call one model for an exchange. */
export interface Attempt {
  readonly exchange: Exchange;
  readonly model: ModelInfo;
  /** The request for this model: `model` is already the provider's model name. */
  request: ChatRequest;
  /** 0 for the first attempt of the exchange. */
  readonly index: number;
}
