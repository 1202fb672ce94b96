import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthenticationError } from '@routekit/core';

/** An API key the gateway accepts. Only its SHA-256 hash is kept. */
export interface ApiKeyEntry {
  /** A name for receipts and limits, e.g. `team-search`; not secret. */
  id: string;
  /** The SHA-256 hex digest of the key (`hashApiKey(key)`); the key itself is never stored. */
  hash: string;
  /** The organisation the key belongs to: caches, limits and spend are scoped to it. */
  tenant: string;
}

export interface Caller {
  tenant: string;
  apiKeyId: string | null;
}

/** The SHA-256 hex digest under which a key is stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Checks the bearer key against the stored hashes. With no keys configured the gateway is open
 * and every caller is the `default` tenant.
 */
export function authenticate(request: IncomingMessage, keys: readonly ApiKeyEntry[] | undefined): Caller {
  if (keys === undefined || keys.length === 0) return { tenant: 'default', apiKeyId: null };
  const header = request.headers.authorization ?? '';
  const key = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : (request.headers['x-api-key'] as string | undefined);
  if (key === undefined || key === '') throw new AuthenticationError('Missing API key: send Authorization: Bearer <key>.', { code: 'missing_api_key' });
  const digest = Buffer.from(hashApiKey(key), 'hex');
  const entry = keys.find((candidate) => {
    const stored = Buffer.from(candidate.hash, 'hex');
    return stored.length === digest.length && timingSafeEqual(stored, digest);
  });
  if (entry === undefined) throw new AuthenticationError('The API key is not valid.');
  return { tenant: entry.tenant, apiKeyId: entry.id };
}
