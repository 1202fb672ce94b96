import { createHash, randomBytes } from 'node:crypto';

/** `live` keys serve production traffic, `test` keys development; the prefix tells them apart at a glance. */
export type ApiKeyEnvironment = 'live' | 'test';

/** A presented key split into its parts; the secret is only ever hashed. */
export interface ParsedApiKey {
  environment: ApiKeyEnvironment;
  /** The public id: what receipts, limits, the audit log and the admin API name the key by. */
  keyId: string;
  secret: string;
}

/** `rk_live_<16 hex>_<43 base64url>`: the id is fixed-width hex, so the secret may hold `_` and `-`. */
const keyPattern = /^rk_(live|test)_([0-9a-f]{16})_([A-Za-z0-9_-]{32,128})$/;

/** Whether a string has the shape of a key id (`0f3a…`, 16 lower-case hex characters). */
export function isApiKeyId(value: string): boolean {
  return /^[0-9a-f]{16}$/.test(value);
}

/**
 * A new key: 64 random bits of id and 256 random bits of secret. The whole string is shown once;
 * only `hashApiKeyToken(key)` is stored.
 *
 * @example
 * const { key, keyId } = generateApiKey('live'); // key: rk_live_9c0e…_Qx…
 */
export function generateApiKey(environment: ApiKeyEnvironment): { key: string; keyId: string } {
  const keyId = randomBytes(8).toString('hex');
  return { key: `rk_${environment}_${keyId}_${randomBytes(32).toString('base64url')}`, keyId };
}

/** The parts of a presented key, or `undefined` when it does not have a routekit key's shape. */
export function parseApiKey(presented: string): ParsedApiKey | undefined {
  const match = keyPattern.exec(presented);
  if (match === null) return undefined;
  return { environment: match[1] as ApiKeyEnvironment, keyId: match[2]!, secret: match[3]! };
}

/**
 * The SHA-256 digest a key is stored under. The whole key is hashed, id included, so a digest is
 * bound to its row; 256 random bits of secret make a salt or a slow hash unnecessary.
 */
export function hashApiKeyToken(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
