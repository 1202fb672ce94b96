import type { ResponseStore, StoredResponse } from '@routekit/core';
import { migrate, type Migration, type SqlDatabase } from '@routekit/operations';

export const responseStoreMigrations: readonly Migration[] = [
  {
    id: '0201-stored-responses',
    sqlite: `CREATE TABLE IF NOT EXISTS routekit_responses (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, record TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_responses_expires ON routekit_responses (expires_at);`,
    postgres: `CREATE TABLE IF NOT EXISTS routekit_responses (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, record TEXT NOT NULL, expires_at BIGINT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_responses_expires ON routekit_responses (expires_at);`,
  },
];

export interface SqlResponseStoreOptions {
  /** The gateway's database (the one receipts use): `openSqliteDatabase(...)` or `await openPostgresDatabase(...)`. */
  database: SqlDatabase;
  /** The clock, epoch ms (tests). */
  now?: () => number;
}

/**
 * Stored responses (`store: true`, `previous_response_id`) in SQL, shared by every instance on the
 * database. A row is read only by its id and tenant and only until it expires; expired rows are
 * deleted every hour.
 *
 * @example
 * const responses = await createSqlResponseStore({ database: stored.database });
 * app.use(routerMiddleware({ providers, responses: { store: responses, retentionDays: 30 } }));
 */
export async function createSqlResponseStore(options: SqlResponseStoreOptions): Promise<ResponseStore & { expire(): Promise<number> }> {
  const { database } = options;
  const clock = options.now ?? Date.now;
  await migrate(database, responseStoreMigrations);
  const expire = () => database.execute('DELETE FROM routekit_responses WHERE expires_at <= $1', [clock()]);
  const timer = setInterval(() => void expire().catch(() => undefined), 3_600_000);
  timer.unref();
  return {
    async put(stored: StoredResponse) {
      const upsert = database.dialect === 'postgres' ? 'INSERT INTO routekit_responses (id, tenant, record, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET tenant = EXCLUDED.tenant, record = EXCLUDED.record, expires_at = EXCLUDED.expires_at' : 'INSERT OR REPLACE INTO routekit_responses (id, tenant, record, expires_at) VALUES ($1, $2, $3, $4)';
      await database.execute(upsert, [stored.id, stored.tenant, JSON.stringify(stored), stored.expiresAt]);
    },
    async get(id, tenant) {
      const rows = await database.query<{ record: string }>('SELECT record FROM routekit_responses WHERE id = $1 AND tenant = $2 AND expires_at > $3', [id, tenant, clock()]);
      return rows.length === 0 ? undefined : (JSON.parse(rows[0]!.record) as StoredResponse);
    },
    async delete(id, tenant) {
      return (await database.execute('DELETE FROM routekit_responses WHERE id = $1 AND tenant = $2 AND expires_at > $3', [id, tenant, clock()])) > 0;
    },
    expire,
    async close() {
      clearInterval(timer);
    },
  };
}
