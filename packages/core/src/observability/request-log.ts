import type { Receipt } from '../receipts/receipt.js';

/**
 * The one log line of a finished request, from its receipt: who, what was asked and chosen, how it
 * went, what it cost. Never prompt or answer text, never a secret (the key's id, not the key).
 */
export function requestLogFields(receipt: Receipt): Record<string, unknown> {
  // Filled in order rather than with a conditional spread in the middle of one literal, after which
  // V8 defines each remaining field through the runtime: this runs for every request.
  const fields: Record<string, unknown> = {
    request_id: receipt.request_id,
    tenant: receipt.tenant,
    key_id: receipt.api_key_id ?? null,
    model_requested: receipt.model_requested,
    strategy: receipt.strategy,
    winner: receipt.winner,
    status: receipt.status,
  };
  if (receipt.error) {
    fields.error_status = receipt.error.status;
    fields.error_code = receipt.error.code;
  }
  fields.stream = receipt.stream;
  fields.latency_ms = receipt.duration_ms ?? Math.round((receipt.routing_overhead_ms + (receipt.upstream_latency_ms ?? 0)) * 1000) / 1000;
  fields.tokens = receipt.tokens.total;
  fields.cost_usd = receipt.cost_usd;
  fields.savings_usd = receipt.savings_usd;
  fields.cache = receipt.cache?.status ?? 'off';
  fields.fallbacks = receipt.fallback_attempts;
  return fields;
}
