import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { ConfigurationError } from '@routekit/core';
import type { SqlDatabase } from './sql-database.js';

export interface SqliteDatabaseOptions {
  /** The database file (its folder is created), or `:memory:`. */
  path: string;
}

/**
 * The embedded default: a SQLite file through Node's own `node:sqlite` (no native build, no
 * server). Write-ahead logging lets readers (the usage API) run while the receipt writer writes.
 * `node:sqlite` is loaded here, not at import, so a Node without it can still use PostgreSQL.
 *
 * @example
 * const database = openSqliteDatabase({ path: '.routekit/routekit.db' });
 */
export function openSqliteDatabase(options: SqliteDatabaseOptions): SqlDatabase {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const database = new (loadSqlite().DatabaseSync)(options.path);
  database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = database.prepare(sql.replace(/\$(\d+)/g, '?$1'));
      statements.set(sql, statement);
    }
    return statement;
  };
  // SQLite has no booleans: store them as 0/1, like the PostgreSQL schema's integer flags.
  const bind = (parameters: readonly unknown[]) => parameters.map((value) => (typeof value === 'boolean' ? Number(value) : value === undefined ? null : value)) as Array<null | number | bigint | string | Uint8Array>;
  let depth = 0;
  const self: SqlDatabase = {
    dialect: 'sqlite',
    async query<Row>(sql: string, parameters: readonly unknown[] = []) {
      return prepare(sql).all(...bind(parameters)).map((row) => ({ ...row })) as Row[];
    },
    async execute(sql, parameters = []) {
      return Number(prepare(sql).run(...bind(parameters)).changes);
    },
    async script(sql) {
      database.exec(sql);
    },
    async transaction(work) {
      // node:sqlite is synchronous and single-connection: nested calls join the open transaction.
      if (depth > 0) return work(self);
      depth += 1;
      database.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(self);
        database.exec('COMMIT');
        return result;
      } catch (error) {
        database.exec('ROLLBACK');
        throw error;
      } finally {
        depth -= 1;
      }
    },
    async close() {
      database.close();
    },
  };
  return self;
}

/** Node's own SQLite, unflagged since Node 22.13; older Node gets a message that says which it is. */
function loadSqlite(): { DatabaseSync: typeof DatabaseSync } {
  const sqlite = process.getBuiltinModule?.('node:sqlite') as { DatabaseSync: typeof DatabaseSync } | undefined;
  if (sqlite === undefined) throw new ConfigurationError(`a SQLite database needs Node >= 22.13 (node:sqlite); this is Node ${process.versions.node}: upgrade Node or use PostgreSQL (a postgres:// database URL)`, { key: 'database' });
  return sqlite;
}
