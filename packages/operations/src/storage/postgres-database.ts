import type { Pool, PoolClient, PoolConfig } from 'pg';
import type { SqlDatabase } from './sql-database.js';

/**
 * `pg`'s pool settings (`host`, `port`, `user`, `password`, `database`, `ssl`, …), typed loosely
 * here so that the published types do not need the optional `pg` installed.
 */
export type PostgresConnectionSettings = Readonly<Record<string, unknown>>;

export interface PostgresDatabaseOptions {
  /** A connection string, e.g. `postgres://127.0.0.1:5432/routekit`, or pg's pool settings. */
  connection: string | PostgresConnectionSettings;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
}

/**
 * PostgreSQL through `pg`, for many gateway instances sharing keys, receipts and usage. `pg` is
 * loaded on first use, so installs that stay on SQLite need not have it.
 *
 * @example
 * const database = await openPostgresDatabase({ connection: process.env.DATABASE_URL! });
 */
export async function openPostgresDatabase(options: PostgresDatabaseOptions): Promise<SqlDatabase> {
  const { default: pg } = await import('pg');
  const config = (typeof options.connection === 'string' ? { connectionString: options.connection } : options.connection) as PoolConfig;
  const pool: Pool = new pg.Pool({ max: options.poolSize ?? 10, ...config });
  // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return over(pool, pool);
}

function over(pool: Pool, runner: Pool | PoolClient): SqlDatabase {
  return {
    dialect: 'postgres',
    async query<Row>(sql: string, parameters: readonly unknown[] = []) {
      return (await runner.query(sql, parameters as unknown[])).rows as Row[];
    },
    async execute(sql, parameters = []) {
      return (await runner.query(sql, parameters as unknown[])).rowCount ?? 0;
    },
    async script(sql) {
      await runner.query(sql);
    },
    async transaction(work) {
      if (runner !== pool) return work(over(pool, runner));
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(over(pool, client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      if (runner === pool) await pool.end();
    },
  };
}
