import { randomUUID } from 'node:crypto';
import { currentIsoTime } from '../receipts/current-iso-time.js';
import type { Receipt } from '../receipts/receipt.js';
import { recordedModel } from '../validation/chat-request-schema.js';
import type { Exchange, ExchangeInput } from './exchange.js';

/** Starts an exchange for one request, with an empty receipt for the features to fill. */
export function createExchange(input: ExchangeInput): Exchange {
  // The first 24 hex digits of a random UUID (8-4-4-4-12 with its dashes): five slices cost less than replaceAll and a slice.
  const uuid = randomUUID();
  const id = `chatcmpl-rk-${uuid.slice(0, 8)}${uuid.slice(9, 13)}${uuid.slice(14, 18)}${uuid.slice(19, 23)}${uuid.slice(24, 28)}`;
  const tenant = input.tenant ?? 'default';
  const receipt: Receipt = {
    request_id: id,
    timestamp: currentIsoTime(),
    tenant,
    api_key_id: input.apiKeyId ?? null,
    model_requested: recordedModel(input.request.model),
    strategy: 'none',
    candidates: [],
    winner: null,
    reason: '',
    stream: input.request.stream === true,
    routing_overhead_ms: 0,
    upstream_latency_ms: null,
    time_to_first_token_ms: null,
    tokens: { prompt: 0, completion: 0, total: 0, estimated: false },
    cost_usd: 0,
    default_model: null,
    default_cost_usd: null,
    savings_usd: 0,
    attempts: [],
    fallback_attempts: 0,
    status: 'ok',
  };
  return {
    id,
    startedAt: performance.now(),
    original: input.request,
    request: input.request,
    tenant,
    apiKeyId: input.apiKeyId ?? null,
    hints: input.hints ?? {},
    headers: input.headers ?? {},
    options: input.options ?? {},
    signal: input.signal ?? new AbortController().signal,
    receipt,
    responseHeaders: {},
    state: new Map(),
  };
}
