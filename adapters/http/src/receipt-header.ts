import type { Receipt } from '@routekit/core';

/**
 * The compact `x-routekit-receipt` header: the decision and its price in one line. A stream sends
 * its headers before the answer exists, so cost fields appear only when known. A field whose value
 * is null is left out. Built by concatenation: it runs for every answer, and the list of pairs,
 * the filter and the map it replaced allocated a dozen arrays to make one short string.
 */
export function receiptHeader(receipt: Receipt, final: boolean): string {
  let header = `id=${receipt.request_id}; strategy=${receipt.strategy}`;
  if (receipt.winner !== null) header += `; model=${receipt.winner}`;
  header += `; overhead_ms=${receipt.routing_overhead_ms}; fallbacks=${receipt.fallback_attempts}`;
  if (receipt.cache !== undefined) header += `; cache=${receipt.cache.status}`;
  if (final) header += `; cost_usd=${receipt.cost_usd}; savings_usd=${receipt.savings_usd}; tokens=${receipt.tokens.total}`;
  return header;
}
