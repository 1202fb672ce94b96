import type { Receipt } from '@routekit/core';

/**
 * The compact `x-routekit-receipt` header: the decision and its price in one line. A stream sends
 * its headers before the answer exists, so cost fields appear only when known.
 */
export function receiptHeader(receipt: Receipt, final: boolean): string {
  const fields: Array<[string, string | number | null]> = [
    ['id', receipt.request_id],
    ['strategy', receipt.strategy],
    ['model', receipt.winner],
    ['overhead_ms', receipt.routing_overhead_ms],
    ['fallbacks', receipt.fallback_attempts],
  ];
  if (receipt.cache !== undefined) fields.push(['cache', receipt.cache.status]);
  if (final) fields.push(['cost_usd', receipt.cost_usd], ['savings_usd', receipt.savings_usd], ['tokens', receipt.tokens.total]);
  return fields
    .filter(([, value]) => value !== null)
    .map(([key, value]) => `${key}=${value}`)
    .join('; ');
}
