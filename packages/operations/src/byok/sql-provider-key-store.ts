import { InvalidRequestError } from '@routekit/core';
import { migrate, type Migration } from '../storage/migrate.js';
import type { SqlDatabase } from '../storage/sql-database.js';
import { openProviderKey, sealProviderKey, type SealedProviderKey } from './envelope-encryption.js';
import type { MasterKey } from './master-key.js';

/** Tenants' own provider keys (BYOK), sealed; the primary key makes one key per tenant and provider. */
export const providerKeyMigrations: readonly Migration[] = [
  {
    id: '0001-provider-keys',
    sqlite: `CREATE TABLE IF NOT EXISTS routekit_provider_keys (
      tenant TEXT NOT NULL, provider TEXT NOT NULL, master_key_id TEXT NOT NULL, wrapped_key TEXT NOT NULL, wrap_iv TEXT NOT NULL, wrap_tag TEXT NOT NULL,
      ciphertext TEXT NOT NULL, iv TEXT NOT NULL, tag TEXT NOT NULL, hint TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (tenant, provider))`,
    postgres: `CREATE TABLE IF NOT EXISTS routekit_provider_keys (
      tenant TEXT NOT NULL, provider TEXT NOT NULL, master_key_id TEXT NOT NULL, wrapped_key TEXT NOT NULL, wrap_iv TEXT NOT NULL, wrap_tag TEXT NOT NULL,
      ciphertext TEXT NOT NULL, iv TEXT NOT NULL, tag TEXT NOT NULL, hint TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (tenant, provider))`,
  },
];

/** What may be shown about a stored key: never the key itself. */
export interface ProviderKeySummary {
  provider: string;
  /** The key's last four characters, e.g. `…x9Qa`, so a tenant can tell which key is connected. */
  hint: string;
  updated_at: string;
}

/** Looks up a tenant's own key for a provider; what `createUpstreamCall({ providerKeys })` takes. */
export interface ProviderKeyResolver {
  /** The plaintext key for this call, or undefined when the tenant has none for the provider (the gateway's key is used then). */
  keyFor(tenant: string, provider: string): Promise<string | undefined>;
}

export interface ProviderKeyStore extends ProviderKeyResolver {
  /** Seals and stores (or replaces) a tenant's key for a provider. */
  set(tenant: string, provider: string, apiKey: string): Promise<ProviderKeySummary>;
  /** The providers a tenant has keys for, with hints. */
  list(tenant: string): Promise<ProviderKeySummary[]>;
  /** Removes a tenant's key; true when there was one. */
  delete(tenant: string, provider: string): Promise<boolean>;
}

export interface SqlProviderKeyStoreOptions {
  database: SqlDatabase;
  /** The master key, e.g. `masterKeyFromEnvironment()`. */
  masterKey: MasterKey;
  /** How long a sealed record read from the database is reused before it is read again, in ms; the plaintext is never kept. Default 10,000. */
  cacheTtlMs?: number;
  /** The clock, epoch ms; tests pass their own. */
  now?: () => number;
}

type SealedRow = SealedProviderKey & { hint: string; updated_at: string };

/**
 * Provider keys per tenant on SQLite or PostgreSQL, encrypted at rest with AES-256-GCM under a
 * data key per record, itself encrypted under the master key. `keyFor` opens a record for one call
 * and keeps only the sealed form in its short cache. A record that fails to open throws
 * ProviderKeyUnreadableError: the call fails rather than silently using the gateway's own key.
 *
 * @example
 * const providerKeys = await createSqlProviderKeyStore({ database, masterKey: masterKeyFromEnvironment() });
 * const call = createUpstreamCall({ providers, providerKeys });
 */
export async function createSqlProviderKeyStore(options: SqlProviderKeyStoreOptions): Promise<ProviderKeyStore> {
  const { database, masterKey } = options;
  await migrate(database, providerKeyMigrations);
  const now = options.now ?? Date.now;
  const ttl = options.cacheTtlMs ?? 10_000;
  const cache = new Map<string, { row: SealedRow | undefined; until: number }>();
  const cacheKey = (tenant: string, provider: string) => JSON.stringify([tenant, provider]);

  const require = (value: string, param: string) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > 4096) throw new InvalidRequestError(`${param} must be a non-empty string.`, { param });
  };

  async function sealedOf(tenant: string, provider: string): Promise<SealedRow | undefined> {
    const key = cacheKey(tenant, provider);
    const cached = cache.get(key);
    if (cached !== undefined && cached.until > now()) return cached.row;
    const rows = await database.query<SealedRow>(
      'SELECT master_key_id, wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag, hint, updated_at FROM routekit_provider_keys WHERE tenant = $1 AND provider = $2',
      [tenant, provider],
    );
    const row = rows[0];
    if (ttl > 0) cache.set(key, { row, until: now() + ttl });
    return row;
  }

  return {
    async set(tenant, provider, apiKey) {
      require(tenant, 'tenant');
      require(provider, 'provider');
      require(apiKey, 'api_key');
      const sealed = sealProviderKey(masterKey, tenant, provider, apiKey);
      const summary: ProviderKeySummary = { provider, hint: `…${apiKey.slice(-4)}`, updated_at: new Date(now()).toISOString() };
      const values = [tenant, provider, sealed.master_key_id, sealed.wrapped_key, sealed.wrap_iv, sealed.wrap_tag, sealed.ciphertext, sealed.iv, sealed.tag, summary.hint, summary.updated_at];
      await database.execute(
        `INSERT INTO routekit_provider_keys (tenant, provider, master_key_id, wrapped_key, wrap_iv, wrap_tag, ciphertext, iv, tag, hint, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (tenant, provider) DO UPDATE SET master_key_id = excluded.master_key_id, wrapped_key = excluded.wrapped_key, wrap_iv = excluded.wrap_iv,
           wrap_tag = excluded.wrap_tag, ciphertext = excluded.ciphertext, iv = excluded.iv, tag = excluded.tag, hint = excluded.hint, updated_at = excluded.updated_at`,
        values,
      );
      cache.delete(cacheKey(tenant, provider));
      return summary;
    },
    async list(tenant) {
      const rows = await database.query<ProviderKeySummary>('SELECT provider, hint, updated_at FROM routekit_provider_keys WHERE tenant = $1 ORDER BY provider', [tenant]);
      return rows.map((row) => ({ provider: row.provider, hint: row.hint, updated_at: row.updated_at }));
    },
    async delete(tenant, provider) {
      const changed = await database.execute('DELETE FROM routekit_provider_keys WHERE tenant = $1 AND provider = $2', [tenant, provider]);
      cache.delete(cacheKey(tenant, provider));
      return changed > 0;
    },
    async keyFor(tenant, provider) {
      const row = await sealedOf(tenant, provider);
      return row === undefined ? undefined : openProviderKey(masterKey, tenant, provider, row);
    },
  };
}
