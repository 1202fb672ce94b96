import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { RoutekitError } from '@routekit/core';
import type { MasterKey } from './master-key.js';

/**
 * A provider key sealed with envelope encryption: a fresh 32-byte data key encrypts the secret
 * (AES-256-GCM), and the master key encrypts the data key (AES-256-GCM again). Both use the
 * tenant and provider as additional authenticated data, so a record copied to another tenant or
 * provider fails to open. Binary fields are base64.
 */
export interface SealedProviderKey {
  /** Which master key sealed it (its fingerprint). */
  master_key_id: string;
  wrapped_key: string;
  wrap_iv: string;
  wrap_tag: string;
  ciphertext: string;
  iv: string;
  tag: string;
}

/** A sealed provider key could not be opened: tampered with, moved, or sealed under another master key. */
export class ProviderKeyUnreadableError extends RoutekitError {
  readonly tenant: string;
  readonly provider: string;
  /** `wrong_master_key` when the record names another master key; `tampered` when authentication failed. */
  readonly reason: 'wrong_master_key' | 'tampered';

  constructor(options: { tenant: string; provider: string; reason: 'wrong_master_key' | 'tampered'; cause?: unknown }) {
    const what = options.reason === 'wrong_master_key' ? 'was sealed under another master key' : 'failed its integrity check and was refused';
    // The message names no secret; the tenant and provider tell the operator which record to re-enter.
    super(`The stored ${options.provider} key of tenant ${options.tenant} ${what}.`, { status: 500, type: 'server_error', code: 'provider_key_unreadable', cause: options.cause });
    this.tenant = options.tenant;
    this.provider = options.provider;
    this.reason = options.reason;
  }
}

/** Length-prefixed, so `("a:b", "c")` and `("a", "b:c")` never authenticate as the same record. */
function additionalData(tenant: string, provider: string): Buffer {
  return Buffer.from(JSON.stringify(['routekit-byok/1', tenant, provider]), 'utf8');
}

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

function decrypt(key: Buffer, sealed: { iv: Buffer; tag: Buffer; ciphertext: Buffer }, aad: Buffer): Buffer {
  // A truncated IV or tag would weaken GCM (Node accepts short tags): insist on the full sizes.
  if (sealed.iv.length !== 12 || sealed.tag.length !== 16) throw new Error('bad iv or tag length');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: 16 });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

/** Seals `secret` for one tenant and provider under the master key, with a fresh data key. */
export function sealProviderKey(masterKey: MasterKey, tenant: string, provider: string, secret: string): SealedProviderKey {
  const aad = additionalData(tenant, provider);
  const dataKey = randomBytes(32);
  try {
    const wrapped = encrypt(masterKey.key, dataKey, aad);
    const sealed = encrypt(dataKey, Buffer.from(secret, 'utf8'), aad);
    return {
      master_key_id: masterKey.id,
      wrapped_key: wrapped.ciphertext.toString('base64'),
      wrap_iv: wrapped.iv.toString('base64'),
      wrap_tag: wrapped.tag.toString('base64'),
      ciphertext: sealed.ciphertext.toString('base64'),
      iv: sealed.iv.toString('base64'),
      tag: sealed.tag.toString('base64'),
    };
  } finally {
    dataKey.fill(0);
  }
}

/** Opens a sealed key for one call; throws ProviderKeyUnreadableError when anything about it was changed. */
export function openProviderKey(masterKey: MasterKey, tenant: string, provider: string, sealed: SealedProviderKey): string {
  if (sealed.master_key_id !== masterKey.id) throw new ProviderKeyUnreadableError({ tenant, provider, reason: 'wrong_master_key' });
  const aad = additionalData(tenant, provider);
  let dataKey: Buffer | undefined;
  try {
    dataKey = decrypt(masterKey.key, { iv: Buffer.from(sealed.wrap_iv, 'base64'), tag: Buffer.from(sealed.wrap_tag, 'base64'), ciphertext: Buffer.from(sealed.wrapped_key, 'base64') }, aad);
    if (dataKey.length !== 32) throw new Error('bad data key length');
    return decrypt(dataKey, { iv: Buffer.from(sealed.iv, 'base64'), tag: Buffer.from(sealed.tag, 'base64'), ciphertext: Buffer.from(sealed.ciphertext, 'base64') }, aad).toString('utf8');
  } catch (error) {
    throw new ProviderKeyUnreadableError({ tenant, provider, reason: 'tampered', cause: error });
  } finally {
    dataKey?.fill(0);
  }
}
