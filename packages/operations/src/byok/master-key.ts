import { createHash } from 'node:crypto';
import { ConfigurationError } from '@routekit/core';

/** The environment variable the master key is read from. */
export const masterKeyVariable = 'ROUTEKIT_MASTER_KEY';

/** A 32-byte AES-256 key and a short public fingerprint that tells which master key sealed a record. */
export interface MasterKey {
  readonly key: Buffer;
  /** The first 8 bytes of SHA-256 of the key, hex: names the key in records without revealing it. */
  readonly id: string;
}

/**
 * Reads a master key given as 64 hex characters or as base64 of exactly 32 bytes (e.g. the output
 * of `openssl rand -base64 32`). Anything else is refused: a short or mistyped key would otherwise
 * seal records nobody can open later.
 */
export function parseMasterKey(value: string | undefined, name = masterKeyVariable): MasterKey {
  const text = value?.trim() ?? '';
  if (text === '') throw new ConfigurationError(`${name} is not set; provider keys (BYOK) need a 32-byte master key (openssl rand -base64 32).`, { key: name });
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(text)) key = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const decoded = Buffer.from(text, 'base64');
    if (decoded.length === 32) key = decoded;
  }
  if (key === undefined) throw new ConfigurationError(`${name} must be 32 bytes, as 64 hex characters or base64 (openssl rand -base64 32).`, { key: name });
  return { key, id: createHash('sha256').update(key).digest('hex').slice(0, 16) };
}

/** The master key from the environment, `ROUTEKIT_MASTER_KEY`. */
export function masterKeyFromEnvironment(environment: NodeJS.ProcessEnv = process.env): MasterKey {
  return parseMasterKey(environment[masterKeyVariable]);
}
