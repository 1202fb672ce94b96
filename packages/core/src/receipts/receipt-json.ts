import type { Receipt } from './receipt.js';

const serialized = new WeakMap<Receipt, string>();

/**
 * A finished receipt as JSON, made once: the memory receipt store keeps this text and the gateway
 * sends it in the answer's `x-routekit`, and a routed receipt's ranked candidates (their scores and
 * prices) cost as much to serialise as the rest of a response. Call it only on a receipt the engine
 * has finished: later changes to the object are not seen.
 */
export function receiptJson(receipt: Receipt): string {
  let json = serialized.get(receipt);
  if (json === undefined) {
    json = JSON.stringify(receipt);
    serialized.set(receipt, json);
  }
  return json;
}
