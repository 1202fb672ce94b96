import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProviderKey, ProviderKeyUnreadableError, sealProviderKey, type SealedProviderKey } from '../packages/operations/src/byok/envelope-encryption.js';
import { masterKeyFromEnvironment, parseMasterKey } from '../packages/operations/src/byok/master-key.js';
import { createSqlProviderKeyStore } from '../packages/operations/src/byok/sql-provider-key-store.js';
import { ConfigurationError } from '../packages/core/src/errors.js';
import type { ModelInfo } from '../packages/core/src/catalog/model-info.js';
import { createExchange } from '../packages/core/src/pipeline/create-exchange.js';
import type { SqlDatabase } from '../packages/operations/src/storage/sql-database.js';
import { startMockUpstream, type MockUpstream } from '../packages/core/src/testing/index.js';
import { createUpstreamCall } from '../packages/core/src/upstream/upstream-call.js';
import { databasesUnderTest } from '../packages/operations/src/storage/sql-database-suite.js';

const run = `${process.pid}-${Date.now().toString(36)}`;
const masterKey = parseMasterKey(randomBytes(32).toString('base64'));
const secret = 'sk-tenant-own-key-0123456789abcdef';

/** Flips one bit in the middle of a base64 field. */
function flipped(value: string): string {
  const bytes = Buffer.from(value, 'base64');
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  return bytes.toString('base64');
}

const refused = (work: () => unknown, reason: 'tampered' | 'wrong_master_key') => {
  let caught: unknown;
  try {
    work();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProviderKeyUnreadableError);
  expect((caught as ProviderKeyUnreadableError).reason).toBe(reason);
  expect((caught as Error).message).not.toContain(secret);
};

describe('envelope encryption of provider keys', () => {
  it('round-trips, with a fresh data key and IVs per record, and no plaintext in the record', () => {
    const first = sealProviderKey(masterKey, 'acme', 'openai', secret);
    const second = sealProviderKey(masterKey, 'acme', 'openai', secret);
    expect(openProviderKey(masterKey, 'acme', 'openai', first)).toBe(secret);
    expect(openProviderKey(masterKey, 'acme', 'openai', second)).toBe(secret);
    expect(first.wrapped_key).not.toBe(second.wrapped_key);
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(JSON.stringify(first)).not.toContain(secret);
    expect(JSON.stringify(first)).not.toContain(Buffer.from(secret).toString('base64'));
  });

  for (const field of ['ciphertext', 'iv', 'tag', 'wrapped_key', 'wrap_iv', 'wrap_tag'] as const) {
    it(`refuses a record whose ${field} changed by one bit`, () => {
      const sealed = sealProviderKey(masterKey, 'acme', 'openai', secret);
      const tampered: SealedProviderKey = { ...sealed, [field]: flipped(sealed[field]) };
      refused(() => openProviderKey(masterKey, 'acme', 'openai', tampered), 'tampered');
    });
  }

  it('refuses a truncated tag (GCM would otherwise accept short tags)', () => {
    const sealed = sealProviderKey(masterKey, 'acme', 'openai', secret);
    refused(() => openProviderKey(masterKey, 'acme', 'openai', { ...sealed, tag: Buffer.from(sealed.tag, 'base64').subarray(0, 4).toString('base64') }), 'tampered');
  });

  it('refuses a record moved to another tenant or provider', () => {
    const sealed = sealProviderKey(masterKey, 'acme', 'openai', secret);
    refused(() => openProviderKey(masterKey, 'globex', 'openai', sealed), 'tampered');
    refused(() => openProviderKey(masterKey, 'acme', 'anthropic', sealed), 'tampered');
  });

  it('refuses another master key, even one claiming the right fingerprint', () => {
    const sealed = sealProviderKey(masterKey, 'acme', 'openai', secret);
    const other = parseMasterKey(randomBytes(32).toString('hex'));
    refused(() => openProviderKey(other, 'acme', 'openai', sealed), 'wrong_master_key');
    refused(() => openProviderKey(other, 'acme', 'openai', { ...sealed, master_key_id: other.id }), 'tampered');
  });

  it('reads ROUTEKIT_MASTER_KEY as hex or base64 of 32 bytes and refuses anything else', () => {
    const bytes = randomBytes(32);
    expect(masterKeyFromEnvironment({ ROUTEKIT_MASTER_KEY: bytes.toString('hex') }).key.equals(bytes)).toBe(true);
    expect(masterKeyFromEnvironment({ ROUTEKIT_MASTER_KEY: bytes.toString('base64') }).key.equals(bytes)).toBe(true);
    for (const value of [undefined, '', 'short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex')]) {
      expect(() => masterKeyFromEnvironment({ ROUTEKIT_MASTER_KEY: value })).toThrow(ConfigurationError);
    }
  });
});

const databases = databasesUnderTest('routekit-byok-');

describe.each(databases)('provider key store on %s', (_name, open) => {
  let database: SqlDatabase;
  let upstream: MockUpstream;
  const tenant = (name: string) => `${run}-${name}`;
  beforeAll(async () => {
    database = await open();
    upstream = await startMockUpstream();
  });
  afterAll(async () => {
    await database.execute('DELETE FROM routekit_provider_keys WHERE tenant LIKE $1', [`${run}-%`]);
    await database.close();
    await upstream.close();
  });

  it('stores sealed keys, lists hints only, and opens them for the right tenant', async () => {
    const store = await createSqlProviderKeyStore({ database, masterKey });
    expect(await store.set(tenant('acme'), 'openai', secret)).toMatchObject({ provider: 'openai', hint: '…cdef' });
    expect(await store.keyFor(tenant('acme'), 'openai')).toBe(secret);
    expect(await store.keyFor(tenant('acme'), 'anthropic')).toBeUndefined();
    expect(await store.keyFor(tenant('globex'), 'openai')).toBeUndefined();
    expect(await store.list(tenant('acme'))).toEqual([{ provider: 'openai', hint: '…cdef', updated_at: expect.any(String) }]);
    const [row] = await database.query<Record<string, unknown>>('SELECT * FROM routekit_provider_keys WHERE tenant = $1', [tenant('acme')]);
    expect(JSON.stringify(row)).not.toContain(secret);
    await store.set(tenant('acme'), 'openai', 'sk-replaced-key-9999');
    expect(await store.keyFor(tenant('acme'), 'openai')).toBe('sk-replaced-key-9999');
    expect(await store.delete(tenant('acme'), 'openai')).toBe(true);
    expect(await store.keyFor(tenant('acme'), 'openai')).toBeUndefined();
  });

  it('refuses a row copied to another tenant, a tampered row, and a store under another master key', async () => {
    const store = await createSqlProviderKeyStore({ database, masterKey, cacheTtlMs: 0 });
    await store.set(tenant('victim'), 'openai', secret);
    // An attacker with write access to the table copies the victim's row to their own tenant.
    await database.execute(
      `INSERT INTO routekit_provider_keys (tenant, provider, master_key_id, wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag, hint, updated_at)
       SELECT $1, provider, master_key_id, wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag, hint, updated_at FROM routekit_provider_keys WHERE tenant = $2 AND provider = 'openai'`,
      [tenant('attacker'), tenant('victim')],
    );
    await expect(store.keyFor(tenant('attacker'), 'openai')).rejects.toBeInstanceOf(ProviderKeyUnreadableError);
    const [row] = await database.query<{ ciphertext: string }>('SELECT ciphertext FROM routekit_provider_keys WHERE tenant = $1', [tenant('victim')]);
    await database.execute('UPDATE routekit_provider_keys SET ciphertext = $1 WHERE tenant = $2', [flipped(row!.ciphertext), tenant('victim')]);
    await expect(store.keyFor(tenant('victim'), 'openai')).rejects.toMatchObject({ reason: 'tampered', code: 'provider_key_unreadable' });
    await store.set(tenant('victim'), 'openai', secret);
    const otherMaster = await createSqlProviderKeyStore({ database, masterKey: parseMasterKey(randomBytes(32).toString('hex')) });
    await expect(otherMaster.keyFor(tenant('victim'), 'openai')).rejects.toMatchObject({ reason: 'wrong_master_key' });
  });

  it('the upstream call for a tenant uses that tenant\'s key, and the configured key otherwise', async () => {
    const store = await createSqlProviderKeyStore({ database, masterKey });
    await store.set(tenant('byok'), 'mock', 'sk-byok-tenant-key');
    const call = createUpstreamCall({ providers: [{ id: 'mock', kind: 'openai', baseUrl: upstream.url, apiKey: 'sk-gateway-key' }], providerKeys: store });
    const model = { id: 'mock/gpt-4.1-mini', provider: 'mock', upstreamModel: 'gpt-4.1-mini' } as ModelInfo;
    const attempt = (tenantName: string) => {
      const exchange = createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'hello' }] }, tenant: tenantName });
      return { exchange, model, request: { ...exchange.request, model: 'gpt-4.1-mini' }, index: 0 };
    };
    upstream.reset();
    await call(attempt(tenant('byok')), new AbortController().signal);
    await call(attempt(tenant('plain')), new AbortController().signal);
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-byok-tenant-key', 'Bearer sk-gateway-key']);
  });
});
