/** One model the router looked at, and what it thought of it. */
export interface ReceiptCandidate {
  model: string;
  /** The strategy's score; higher ranks first. */
  score: number;
  /** Predicted quality in 0..1, when the strategy predicts one. */
  predicted_quality?: number;
  estimated_cost_usd: number;
  eligible: boolean;
  /** Why an ineligible candidate was set aside, e.g. `no tool support`. */
  rejected_because?: string;
}

/** One call to one model. */
export interface ReceiptAttempt {
  model: string;
  /** `cancelled`: the slower of two hedged calls, stopped when the other answered first (not billed). */
  outcome: 'ok' | 'failed' | 'skipped' | 'cancelled';
  latency_ms: number;
  error_code?: string;
  upstream_status?: number | null;
  /** 0 for the first call of this model in the request, 1.. for its retries. */
  retry?: number;
  /** How long the gateway waited before this attempt, in ms, and why (backoff, or the provider's Retry-After). */
  waited_ms?: number;
  wait?: 'backoff' | 'retry_after';
  /** `stream` when the failure came after the first token, so the client saw an error event. */
  phase?: 'first_token' | 'stream';
  /** `probe` when a half-open circuit let this call through to test the model. */
  circuit?: 'probe';
  /** True for the second call a latency-priority request started when the first was slow. */
  hedge?: boolean;
}

export interface ReceiptTokens {
  prompt: number;
  completion: number;
  total: number;
  /** True when the provider sent no usage and the counts are estimated from text length. */
  estimated: boolean;
  /** Prompt tokens read from the provider's prompt cache (part of `prompt`), priced at the cached-input price. */
  cached_prompt?: number;
  /** Prompt tokens written to the provider's prompt cache (part of `prompt`), priced at the cache-write price. */
  cache_write?: number;
}

/** What the caches did for this request. */
export interface CacheReceipt {
  status: 'hit' | 'miss' | 'bypass' | 'off';
  kind?: 'exact' | 'semantic';
  entry_id?: string;
  similarity?: number;
  saved_usd?: number;
  /** Why a lookup was skipped or a store refused, e.g. `no-store`, `temperature`. */
  reason?: string;
}

/**
 * The execution receipt of one request: what was considered, what was chosen and why, what it
 * cost and what it saved. It never holds prompt or answer text.
 */
export interface Receipt {
  request_id: string;
  timestamp: string;
  tenant: string;
  /** The id (never the secret) of the API key the request came with, or null. */
  api_key_id?: string | null;
  model_requested: string;
  strategy: string;
  /** Which `default` router decided (`shipped`, or `learned-v<N>` promoted from this deployment's outcomes), when it did. */
  router_version?: string;
  candidates: ReceiptCandidate[];
  winner: string | null;
  reason: string;
  stream: boolean;
  routing_overhead_ms: number;
  /** Wall time from the engine taking the request to the end of its answer (a stream's last chunk). */
  duration_ms?: number;
  upstream_latency_ms: number | null;
  time_to_first_token_ms: number | null;
  tokens: ReceiptTokens;
  cost_usd: number;
  /** True when the model is not in the catalog (passed through to its provider): `cost_usd` is 0 because its price is unknown, not because it was free. */
  price_unknown?: boolean;
  default_model: string | null;
  default_cost_usd: number | null;
  savings_usd: number;
  attempts: ReceiptAttempt[];
  fallback_attempts: number;
  /** Retries of the same model, across the request. */
  retries?: number;
  /** The request's overall deadline, in ms. */
  deadline_ms?: number;
  /** True when a second candidate was started beside a slow first one (latency priority). */
  hedged?: boolean;
  cache?: CacheReceipt;
  /** PII found and handled, counted by type; never the values. */
  pii?: { action: string; detected: Record<string, number> };
  /** The output cap sent upstream when the spend left could not pay for the request's (or the model's) maximum. */
  max_tokens_capped_to?: number;
  /** Limits that applied, e.g. `{ rpm: { limit: 100, remaining: 42 } }`. */
  limits?: Record<string, { limit: number; remaining: number }>;
  status: 'ok' | 'error' | 'aborted';
  error?: { status: number; code: string };
}
