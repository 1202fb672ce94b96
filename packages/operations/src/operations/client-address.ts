import { isIP } from 'node:net';
import { normaliseAddress, type AddressMatcher } from './address-matcher.js';

/**
 * The address a request comes from. `X-Forwarded-For` is believed only when the direct peer is a
 * configured trusted proxy, since anyone can send the header; then the list is read from the
 * right, skipping trusted proxies, and the first address that is not one is the client (the
 * entries to its left were written by the client itself and prove nothing).
 *
 * @example
 * clientAddress({ peer: '10.0.0.2', forwardedFor: '203.0.113.9, 10.0.0.3', trustedProxies }); // 203.0.113.9
 */
export function clientAddress(input: { peer: string | undefined; forwardedFor: string | undefined; trustedProxies: AddressMatcher | undefined }): string | undefined {
  const peer = input.peer === undefined ? undefined : normaliseAddress(input.peer);
  const { trustedProxies } = input;
  if (peer === undefined || trustedProxies === undefined || input.forwardedFor === undefined || !trustedProxies.matches(peer)) return peer;
  const hops = input.forwardedFor.split(',').map((hop) => normaliseAddress(hop));
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = hops[index]!;
    // A malformed hop means the chain cannot be trusted past it: fall back to the last good one.
    if (isIP(hop) === 0) return index === hops.length - 1 ? peer : hops[index + 1];
    if (!trustedProxies.matches(hop)) return hop;
  }
  return hops[0] ?? peer;
}
