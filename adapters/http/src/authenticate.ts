import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthenticationError, ConfigurationError, RateLimitedError } from '@routekit/core';
import { lockoutFrom, type FailedAuthLockout, type LockoutOptions } from '@routekit/operations';

/** An API key the gateway accepts. Only its SHA-256 hash is kept. */
export interface ApiKeyEntry {
  /** A name for receipts and limits, e.g. `team-search`; not secret. */
  id: string;
  /** The SHA-256 hex digest of the key (`hashApiKey(key)`); the key itself is never stored. */
  hash: string;
  /** The organisation the key belongs to: caches, limits and spend are scoped to it. */
  tenant: string;
  /** An admin key also sees every tenant's usage, the dashboard's data and /metrics. */
  admin?: boolean;
}

export interface Caller {
  tenant: string;
  apiKeyId: string | null;
  /** May read every tenant's usage and the gateway's metrics. */
  admin: boolean;
}

/** The gateway's accepted keys, indexed so that checking one costs the same with 10 keys or 10,000. */
export interface ApiKeyIndex {
  /** The caller a request's key belongs to; rejects with `AuthenticationError` (401), or `RateLimitedError` (429) while the address is locked. */
  authenticate(request: IncomingMessage): Promise<Caller>;
}

/** The SHA-256 hex digest under which a key is stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Bytes of the digest the index is keyed by: 64 bits, so two stored keys never share a slot. */
const slotBytes = 8;

/**
 * Indexes API keys by the first bytes of their digest. A presented key is hashed once, its slot
 * looked up, and its whole digest compared once in constant time with the slot's (or with a
 * dummy when the slot is empty), so neither the number of keys nor which check failed shows in
 * the time or the answer. Throws `ConfigurationError` for an empty list (it would lock every
 * caller out: omit `apiKeys` for an open gateway) and for duplicate ids or hashes.
 *
 * Failed attempts are throttled per client address as durable keys are (10 in 5 minutes lock that
 * address's failing attempts for 15 minutes, with 429 and Retry-After); a right key is always
 * admitted, so one caller's wrong keys never lock out the others behind the same address. Pass
 * `lockout: createRedisFailedAuthLockout(...)` (or `openSharedStores(...).lockout`) so that replicas
 * count failures together.
 *
 * @example
 * const index = createApiKeyIndex([{ id: 'ci', hash: hashApiKey(process.env.CI_KEY!), tenant: 'acme' }]);
 * const caller = await index.authenticate(request); // { tenant: 'acme', apiKeyId: 'ci' }
 */
export function createApiKeyIndex(keys: readonly ApiKeyEntry[], options: { lockout?: LockoutOptions | FailedAuthLockout | false; now?: () => number } = {}): ApiKeyIndex {
  const lockout = lockoutFrom(options.lockout);
  const clock = options.now ?? Date.now;
  if (keys.length === 0) {
    throw new ConfigurationError('apiKeys is empty, which would refuse every request; omit apiKeys for an open gateway, or add a key: { id, hash: hashApiKey(key), tenant }.', { key: 'apiKeys' });
  }
  const slots = new Map<string, { digest: Buffer; caller: Caller }>();
  const ids = new Set<string>();
  keys.forEach((entry, index) => {
    if (!/^[0-9a-f]{64}$/i.test(entry.hash)) throw new ConfigurationError(`apiKeys[${index}].hash must be the 64-character SHA-256 hex digest from hashApiKey(key), not the key itself.`, { key: `apiKeys[${index}].hash` });
    if (ids.has(entry.id)) throw new ConfigurationError(`apiKeys[${index}].id is used by an earlier key; key ids must be unique.`, { key: `apiKeys[${index}].id` });
    ids.add(entry.id);
    const digest = Buffer.from(entry.hash, 'hex');
    const slot = digest.subarray(0, slotBytes).toString('hex');
    if (slots.has(slot)) throw new ConfigurationError(`apiKeys[${index}].hash is the hash of an earlier key; every key must be different.`, { key: `apiKeys[${index}].hash` });
    slots.set(slot, { digest, caller: { tenant: entry.tenant, apiKeyId: entry.id, admin: entry.admin === true } });
  });
  const dummy = Buffer.alloc(32);
  return {
    async authenticate(request) {
      const key = presentedKey(request);
      if (key === undefined) throw new AuthenticationError('Missing API key: send Authorization: Bearer <key>.', { code: 'missing_api_key' });
      const digest = createHash('sha256').update(key).digest();
      const found = slots.get(digest.subarray(0, slotBytes).toString('hex'));
      const equal = timingSafeEqual(found?.digest ?? dummy, digest);
      if (found !== undefined && equal) return found.caller;
      const address = request.socket.remoteAddress;
      if (lockout !== undefined && address !== undefined) {
        const now = clock();
        // The same subject as durable keys' lockout, so one shared store serves both.
        const subject = `address:${address}`;
        await lockout.recordFailure(subject, now);
        const retryAfter = await lockout.lockedFor(subject, now);
        if (retryAfter !== null) throw new RateLimitedError('Too many failed authentication attempts; try again later.', { limit: 'failed_authentication', retryAfterSeconds: retryAfter, code: 'too_many_failed_attempts' });
      }
      throw new AuthenticationError('The API key is not valid.');
    },
  };
}

/** The caller of a gateway without keys: open, every request is the `default` tenant, and anyone may read usage. */
export const openCaller: Caller = Object.freeze({ tenant: 'default', apiKeyId: null, admin: true });

/**
 * The key from `Authorization: Bearer <key>` (the scheme in any case, RFC 7235) or `x-api-key`
 * (Anthropic's header, which some clients send).
 */
export function presentedKey(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  const bearer = authorization === undefined ? undefined : /^bearer[ \t]+(\S.*)$/i.exec(authorization.trim())?.[1]?.trim();
  const alternative = request.headers['x-api-key'];
  const key = bearer ?? (typeof alternative === 'string' ? alternative.trim() : undefined);
  return key === undefined || key === '' ? undefined : key;
}
