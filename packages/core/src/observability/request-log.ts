import type { Receipt } from '../receipts/receipt.js';

/**
 * The one log line of a finished request, from its receipt: who, what was asked and chosen, how it
 * went, what it cost. Never prompt or answer text, never a secret (the key's id, not the key).
 */
export function requestLogFields(receipt: Receipt): Record<string, unknown> {
  return {
    request_id: receipt.request_id,
    tenant: receipt.tenant,
    key_id: receipt.api_key_id ?? null,
    model_requested: receipt.model_requested,
    strategy: receipt.strategy,
    winner: receipt.winner,
    status: receipt.status,
    ...(receipt.error && { error_status: receipt.error.status, error_code: receipt.error.code }),
    stream: receipt.stream,
    latency_ms: receipt.duration_ms ?? Math.round((receipt.routing_overhead_ms + (receipt.upstream_latency_ms ?? 0)) * 1000) / 1000,
    tokens: receipt.tokens.total,
    cost_usd: receipt.cost_usd,
    savings_usd: receipt.savings_usd,
    cache: receipt.cache?.status ?? 'off',
    fallbacks: receipt.fallback_attempts,
  };
}
