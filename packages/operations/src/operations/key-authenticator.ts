import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, RateLimitedError, RoutekitError, StoreUnavailableError } from '@routekit/core';
import { createAddressMatcher, type AddressMatcher } from './address-matcher.js';
import { createAuditThrottle } from './audit-throttle.js';
import { clientAddress } from './client-address.js';
import { lockoutFrom, type FailedAuthLockout, type LockoutOptions } from './failed-auth-lockout.js';
import type { AuditLog } from './sql-audit-log.js';
import { apiKeyStatus, type ApiKeyRecord, type ApiKeyStore } from './sql-api-key-store.js';

/** Who a request is, once its key is accepted. */
export interface AuthenticatedKey {
  tenant: string;
  /** The key id for receipts and limits; `admin-key` for the configured admin key. */
  apiKeyId: string;
  /** May call the admin API. */
  admin: boolean;
  /** The stored key (its policy), or `undefined` for the configured admin key. */
  record: ApiKeyRecord | undefined;
  /** The address the request came from (after trusted proxies), for the audit log. */
  address: string | undefined;
}

/** What an adapter reads off a request for authentication. */
export interface PresentedCredentials {
  /** The key from `Authorization: Bearer` or `x-api-key`; `undefined` when none was sent. */
  key: string | undefined;
  /** The direct peer's address (the socket's). */
  peer: string | undefined;
  /** The `X-Forwarded-For` header, believed only from a trusted proxy. */
  forwardedFor: string | undefined;
}

export interface KeyAuthenticatorOptions {
  keys: ApiKeyStore;
  /** Failed authentications are appended here. */
  audit?: AuditLog;
  /**
   * Lockout of failing attempts after repeated failures from one address or on one key id: its
   * options (in process memory), a ready lockout shared by replicas (`createRedisFailedAuthLockout`),
   * or `false` to turn it off. Default 10 failures in 5 minutes lock for 15, in memory.
   */
  lockout?: LockoutOptions | FailedAuthLockout | false;
  /** Proxies (CIDR ranges) whose `X-Forwarded-For` is believed; none by default. */
  trustedProxies?: readonly string[];
  /** An admin key outside the database (e.g. `ROUTEKIT_ADMIN_KEY`), for bootstrapping; its tenant is `adminTenant`. */
  adminKey?: string;
  /** The tenant requests with the configured admin key belong to. Default `default`. */
  adminTenant?: string;
  now?: () => number;
}

/** The one message of every refused key, whatever check refused it. */
export const invalidKeyMessage = 'The API key is not valid.';

/**
 * Decides whether a presented key may make a request: shape, secret (one indexed read and one
 * constant-time compare, see `ApiKeyStore.verify`), expiry, revocation, rotation overlap, the
 * key's IP allowlist. Every refusal of a key is the same 401 (`invalid_api_key`, one message), so
 * a caller cannot learn which check failed; the audit log records which one did. Failures are
 * counted per address and per presented key id: once either is locked, failing attempts get 429
 * `too_many_failed_attempts` with Retry-After. A right key is checked first and always admitted,
 * so other callers' failures (behind one load balancer address, or guessing at one key id) never
 * lock it out; guessing is bounded by the secrets (256 random bits per durable key). Refusals are
 * audited one row per address, reason and minute, plus one row counting the rest.
 *
 * @example
 * const authenticator = createKeyAuthenticator({ keys, audit, trustedProxies: ['10.0.0.0/8'] });
 * const caller = await authenticator.authenticate({ key, peer: socket.remoteAddress, forwardedFor });
 */
export function createKeyAuthenticator(options: KeyAuthenticatorOptions) {
  const clock = options.now ?? Date.now;
  const lockout: FailedAuthLockout | undefined = lockoutFrom(options.lockout);
  const trustedProxies: AddressMatcher | undefined = options.trustedProxies === undefined || options.trustedProxies.length === 0 ? undefined : createAddressMatcher(options.trustedProxies);
  const adminDigest = options.adminKey === undefined ? undefined : createHash('sha256').update(options.adminKey).digest();
  const allowlists = new Map<string, { ranges: string; matcher: AddressMatcher }>();
  const throttledAudit = options.audit === undefined ? undefined : createAuditThrottle({ audit: options.audit, ...(options.now && { now: options.now }) });

  function allowlistOf(record: ApiKeyRecord): AddressMatcher | undefined {
    const ranges = record.policy.ipAllowlist;
    if (ranges === undefined || ranges.length === 0) return undefined;
    const joined = ranges.join(',');
    const cached = allowlists.get(record.id);
    if (cached !== undefined && cached.ranges === joined) return cached.matcher;
    const matcher = createAddressMatcher(ranges);
    allowlists.set(record.id, { ranges: joined, matcher });
    return matcher;
  }

  async function refuse(reason: string, keyId: string | null, address: string | undefined, now: number): Promise<never> {
    const subjects = [...(address === undefined ? [] : [`address:${address}`]), ...(keyId === null ? [] : [`key:${keyId}`])];
    const locked = lockout === undefined ? [] : (await Promise.all(subjects.map(async (subject) => [subject, await lockout.recordFailure(subject, now)] as const))).filter(([, seconds]) => seconds !== null);
    // One series per address and reason: a guesser inventing key ids must not open a series per id.
    await throttledAudit?.append(`auth.failed|${address ?? ''}|${reason}`, { type: 'auth.failed', actor: keyId ?? 'anonymous', target: keyId, address: address ?? null, detail: { reason } });
    for (const [subject, seconds] of locked) await options.audit?.append({ type: 'auth.locked_out', actor: 'anonymous', target: subject.startsWith('key:') ? keyId : null, address: address ?? null, detail: { lock_seconds: seconds, by: subject.startsWith('key:') ? 'key' : 'address' } });
    const retryAfter = Math.max(0, ...(await Promise.all(subjects.map(async (subject) => (await lockout?.lockedFor(subject, now)) ?? 0))));
    if (retryAfter > 0) {
      throw new RateLimitedError('Too many failed authentication attempts; try again later.', { limit: 'failed_authentication', retryAfterSeconds: retryAfter, code: 'too_many_failed_attempts' });
    }
    throw new AuthenticationError(invalidKeyMessage);
  }

  return {
    /** Proxies whose forwarded-for header is believed. */
    trustedProxies,
    /** Writes the counts of refusals still being aggregated (on shutdown). */
    flushAudit: async () => throttledAudit?.flush(),
    async authenticate(credentials: PresentedCredentials): Promise<AuthenticatedKey> {
      const now = clock();
      const address = clientAddress({ peer: credentials.peer, forwardedFor: credentials.forwardedFor, trustedProxies });
      if (credentials.key === undefined) throw new AuthenticationError('Missing API key: send Authorization: Bearer <key>.', { code: 'missing_api_key' });
      if (adminDigest !== undefined && !credentials.key.startsWith('rk_')) {
        const presented = createHash('sha256').update(credentials.key).digest();
        if (timingSafeEqual(adminDigest, presented)) return { tenant: options.adminTenant ?? 'default', apiKeyId: 'admin-key', admin: true, record: undefined, address };
        return refuse('malformed_key', null, address, now);
      }
      let verified: Awaited<ReturnType<ApiKeyStore['verify']>>;
      try {
        verified = await options.keys.verify(credentials.key);
      } catch (error) {
        // The database is down: a 503 the client can retry, not a 500 and not a 401 that would send it looking for a new key.
        if (error instanceof RoutekitError) throw error;
        throw new StoreUnavailableError('API keys cannot be checked right now because their database is unavailable; retry shortly.', { feature: 'api_keys', retryAfterSeconds: 1, cause: error });
      }
      const { keyId, record } = verified;
      if (record === undefined) return refuse(keyId === null ? 'malformed_key' : 'unknown_or_wrong_key', keyId, address, now);
      const status = apiKeyStatus(record, now);
      if (status !== 'active' && status !== 'rotating') return refuse(status, record.id, address, now);
      const allowlist = allowlistOf(record);
      if (allowlist !== undefined && (address === undefined || !allowlist.matches(address))) return refuse('address_not_allowed', record.id, address, now);
      return { tenant: record.tenant, apiKeyId: record.id, admin: record.admin, record, address };
    },
  };
}

export type KeyAuthenticator = ReturnType<typeof createKeyAuthenticator>;
