import { timingSafeEqual } from 'node:crypto';
import { InvalidRequestError } from '@routekit/core';
import { migrate, type Migration } from '../storage/migrate.js';
import type { SqlDatabase } from '../storage/sql-database.js';
import type { ApiKeyPolicy } from './api-key-policy.js';
import { generateApiKey, hashApiKeyToken, parseApiKey, type ApiKeyEnvironment } from './api-key-token.js';

/** A stored key, without its secret (which is never stored) or its hash (which never leaves the store). */
export interface ApiKeyRecord {
  id: string;
  environment: ApiKeyEnvironment;
  tenant: string;
  /** A label for people, e.g. `search backend`. */
  name: string | null;
  /** May call the admin API. */
  admin: boolean;
  createdAt: number;
  /** Epoch ms after which the key is refused; `null` never expires. */
  expiresAt: number | null;
  revokedAt: number | null;
  /** Set when the key was rotated: the key that replaced it. */
  replacedBy: string | null;
  /** A rotated key keeps working until this time (epoch ms), then is refused. */
  overlapUntil: number | null;
  /** The key this one replaced by rotation. */
  rotatedFrom: string | null;
  policy: ApiKeyPolicy;
}

/** Why a key is or is not accepted right now. */
export type ApiKeyStatus = 'active' | 'rotating' | 'expired' | 'revoked' | 'rotated';

/** A key's state at `now`: `rotating` keys still work (inside their overlap window), the last three do not. */
export function apiKeyStatus(record: ApiKeyRecord, now: number): ApiKeyStatus {
  if (record.revokedAt !== null && record.revokedAt <= now) return 'revoked';
  if (record.expiresAt !== null && record.expiresAt <= now) return 'expired';
  if (record.replacedBy !== null) return record.overlapUntil !== null && record.overlapUntil > now ? 'rotating' : 'rotated';
  return 'active';
}

export interface NewApiKey {
  tenant: string;
  environment?: ApiKeyEnvironment;
  name?: string | null;
  admin?: boolean;
  expiresAt?: number | null;
  policy?: ApiKeyPolicy;
}

export interface SqlApiKeyStoreOptions {
  database: SqlDatabase;
  /** The clock, epoch ms; tests pass their own. */
  now?: () => number;
  /** The constant-time comparison; tests pass a counting one. Default `crypto.timingSafeEqual`. */
  compare?: (stored: Buffer, presented: Buffer) => boolean;
}

/** API keys on SQLite or PostgreSQL, shared by every gateway instance on the same database. */
export interface ApiKeyStore {
  /** Creates a key; `key` is the only time the secret exists outside the caller's hands. */
  create(input: NewApiKey): Promise<{ key: string; record: ApiKeyRecord }>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  list(query?: { tenant?: string; limit?: number }): Promise<ApiKeyRecord[]>;
  /** Keys not revoked whose expiry falls in (`after`, `before`], soonest first (for expiry notices); at most 10,000. */
  expiring(window: { after: number; before: number }): Promise<ApiKeyRecord[]>;
  /** Revokes a key at once; `undefined` when there is no such key. Revoking twice keeps the first time. */
  revoke(id: string): Promise<ApiKeyRecord | undefined>;
  /**
   * Replaces a key with a new one of the same tenant, flags and policy; the old one keeps working
   * for `overlapSeconds` (so clients can be redeployed), then is refused.
   */
  rotate(id: string, options: { overlapSeconds: number; /** The new key's expiry; the old key's when omitted. */ expiresAt?: number | null }): Promise<{ key: string; record: ApiKeyRecord; previous: ApiKeyRecord } | undefined>;
  /**
   * The record a presented key belongs to, if its secret is right, whatever its status (the caller
   * decides what an expired or revoked key means). One indexed read by the id parsed from the
   * key and one constant-time compare, with a dummy digest when the id is unknown: the cost does
   * not grow with the number of keys, and does not tell an unknown id from a wrong secret.
   */
  verify(presented: string): Promise<{ keyId: string | null; record: ApiKeyRecord | undefined }>;
}

export const apiKeyMigrations: readonly Migration[] = [
  {
    id: '0102-api-keys',
    sqlite: `CREATE TABLE IF NOT EXISTS routekit_api_keys (
      id TEXT PRIMARY KEY, environment TEXT NOT NULL, tenant TEXT NOT NULL, name TEXT, secret_hash TEXT NOT NULL, admin INTEGER NOT NULL,
      created_at INTEGER NOT NULL, expires_at INTEGER, revoked_at INTEGER, replaced_by TEXT, overlap_until INTEGER, rotated_from TEXT, policy TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_api_keys_tenant ON routekit_api_keys (tenant, created_at);`,
    postgres: `CREATE TABLE IF NOT EXISTS routekit_api_keys (
      id TEXT PRIMARY KEY, environment TEXT NOT NULL, tenant TEXT NOT NULL, name TEXT, secret_hash TEXT NOT NULL, admin INTEGER NOT NULL,
      created_at BIGINT NOT NULL, expires_at BIGINT, revoked_at BIGINT, replaced_by TEXT, overlap_until BIGINT, rotated_from TEXT, policy TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_api_keys_tenant ON routekit_api_keys (tenant, created_at);`,
  },
];

interface KeyRow {
  id: string;
  environment: string;
  tenant: string;
  name: string | null;
  secret_hash: string;
  admin: number | string;
  created_at: number | string;
  expires_at: number | string | null;
  revoked_at: number | string | null;
  replaced_by: string | null;
  overlap_until: number | string | null;
  rotated_from: string | null;
  policy: string;
}

const selectColumns = 'id, environment, tenant, name, secret_hash, admin, created_at, expires_at, revoked_at, replaced_by, overlap_until, rotated_from, policy';

/**
 * Durable API keys (migrated on creation). Keys are `rk_live_<id>_<secret>` / `rk_test_<id>_<secret>`;
 * only their SHA-256 digest is stored.
 *
 * @example
 * const keys = await createSqlApiKeyStore({ database });
 * const { key } = await keys.create({ tenant: 'acme', policy: { allowedModels: ['openai/gpt-4.1-mini'] } });
 */
export async function createSqlApiKeyStore(options: SqlApiKeyStoreOptions): Promise<ApiKeyStore> {
  const { database } = options;
  const clock = options.now ?? Date.now;
  const compare = options.compare ?? ((stored: Buffer, presented: Buffer) => timingSafeEqual(stored, presented));
  await migrate(database, apiKeyMigrations);
  // Compared against when the id is unknown, so that path does the same work as a wrong secret.
  const dummy = hashApiKeyToken('rk_live_0000000000000000_unknown-key-placeholder-digest-00000');

  async function insert(transaction: SqlDatabase, input: NewApiKey, rotatedFrom: string | null, now: number): Promise<{ key: string; record: ApiKeyRecord }> {
    const environment = input.environment ?? 'live';
    const { key, keyId } = generateApiKey(environment);
    const record: ApiKeyRecord = {
      id: keyId,
      environment,
      tenant: input.tenant,
      name: input.name ?? null,
      admin: input.admin ?? false,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      replacedBy: null,
      overlapUntil: null,
      rotatedFrom,
      policy: input.policy ?? {},
    };
    await transaction.execute(
      `INSERT INTO routekit_api_keys (${selectColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [record.id, environment, record.tenant, record.name, hashApiKeyToken(key).toString('hex'), record.admin ? 1 : 0, now, record.expiresAt, null, null, null, rotatedFrom, JSON.stringify(record.policy)],
    );
    return { key, record };
  }

  async function get(id: string, runner: SqlDatabase = database): Promise<(ApiKeyRecord & { digest: Buffer }) | undefined> {
    const rows = await runner.query<KeyRow>(`SELECT ${selectColumns} FROM routekit_api_keys WHERE id = $1`, [id]);
    return rows.length === 0 ? undefined : { ...recordOf(rows[0]!), digest: Buffer.from(rows[0]!.secret_hash, 'hex') };
  }

  return {
    create: (input) => insert(database, input, null, clock()),
    async get(id) {
      const found = await get(id);
      if (found === undefined) return undefined;
      const { digest: _digest, ...record } = found;
      return record;
    },
    async list(query = {}) {
      const limit = Math.min(Math.max(1, query.limit ?? 1000), 10_000);
      const rows = query.tenant === undefined
        ? await database.query<KeyRow>(`SELECT ${selectColumns} FROM routekit_api_keys ORDER BY created_at, id LIMIT $1`, [limit])
        : await database.query<KeyRow>(`SELECT ${selectColumns} FROM routekit_api_keys WHERE tenant = $1 ORDER BY created_at, id LIMIT $2`, [query.tenant, limit]);
      return rows.map(recordOf);
    },
    async expiring({ after, before }) {
      const rows = await database.query<KeyRow>(`SELECT ${selectColumns} FROM routekit_api_keys WHERE expires_at > $1 AND expires_at <= $2 AND revoked_at IS NULL ORDER BY expires_at, id LIMIT 10000`, [after, before]);
      return rows.map(recordOf);
    },
    async revoke(id) {
      await database.execute('UPDATE routekit_api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [clock(), id]);
      const found = await get(id);
      if (found === undefined) return undefined;
      const { digest: _digest, ...record } = found;
      return record;
    },
    async rotate(id, rotation) {
      const { overlapSeconds } = rotation;
      return database.transaction(async (transaction) => {
        const now = clock();
        const previous = await get(id, transaction);
        if (previous === undefined) return undefined;
        const status = apiKeyStatus(previous, now);
        if (status === 'revoked' || status === 'expired') throw new InvalidRequestError(`Key ${id} is ${status}; only a working key can be rotated.`, { code: 'key_not_active', status: 409, param: 'id' });
        const created = await insert(transaction, { tenant: previous.tenant, environment: previous.environment, name: previous.name, admin: previous.admin, expiresAt: rotation.expiresAt === undefined ? previous.expiresAt : rotation.expiresAt, policy: previous.policy }, id, now);
        const overlapUntil = now + overlapSeconds * 1000;
        // Only a key not rotated before: two concurrent rotations cannot both succeed.
        const changed = await transaction.execute('UPDATE routekit_api_keys SET replaced_by = $1, overlap_until = $2 WHERE id = $3 AND replaced_by IS NULL', [created.record.id, overlapUntil, id]);
        if (changed === 0) throw new InvalidRequestError(`Key ${id} was already rotated; rotate the key that replaced it.`, { code: 'key_already_rotated', status: 409, param: 'id' });
        const { digest: _digest, ...old } = previous;
        return { ...created, previous: { ...old, replacedBy: created.record.id, overlapUntil } };
      });
    },
    async verify(presented) {
      const presentedDigest = hashApiKeyToken(presented);
      const parsed = parseApiKey(presented);
      const found = parsed === undefined ? undefined : await get(parsed.keyId);
      const equal = compare(found?.digest ?? dummy, presentedDigest);
      if (found === undefined || !equal) return { keyId: parsed?.keyId ?? null, record: undefined };
      const { digest: _digest, ...record } = found;
      return { keyId: record.id, record };
    },
  };
}

function recordOf(row: KeyRow): ApiKeyRecord {
  const time = (value: number | string | null) => (value === null ? null : Number(value));
  return {
    id: row.id,
    environment: row.environment as ApiKeyEnvironment,
    tenant: row.tenant,
    name: row.name,
    admin: Number(row.admin) === 1,
    createdAt: Number(row.created_at),
    expiresAt: time(row.expires_at),
    revokedAt: time(row.revoked_at),
    replacedBy: row.replaced_by,
    overlapUntil: time(row.overlap_until),
    rotatedFrom: row.rotated_from,
    policy: JSON.parse(row.policy) as ApiKeyPolicy,
  };
}
