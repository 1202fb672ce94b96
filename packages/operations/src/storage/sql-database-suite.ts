import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openPostgresDatabase } from './postgres-database.js';
import type { SqlDatabase } from './sql-database.js';
import { openSqliteDatabase } from './sqlite-database.js';

/** The real PostgreSQL the durable stores' tests talk to (`.ci/run` starts it); `ROUTEKIT_TEST_POSTGRES` points elsewhere. */
export const testPostgresConnection = process.env.ROUTEKIT_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The databases every durable store's suite runs on, for `describe.each`: a SQLite file and the real
 * PostgreSQL. Each SQLite open is a fresh file in a temporary folder named after `prefix`, unless
 * `sqliteFile` is given (a suite that reopens the same database, as after a restart).
 *
 * @example
 * describe.each(databasesUnderTest('routekit-receipts-'))('receipts on %s', (_name, open) => { ... });
 */
export function databasesUnderTest(prefix: string, sqliteFile?: string): Array<[string, () => Promise<SqlDatabase>]> {
  return [
    ['SQLite file', async () => openSqliteDatabase({ path: sqliteFile ?? join(mkdtempSync(join(tmpdir(), prefix)), 'routekit.db') })],
    ['PostgreSQL', async () => openPostgresDatabase({ connection: testPostgresConnection })],
  ];
}

/**
 * `open` for one suite: every database it opens is cleaned up (`cleanUp`: the rows a shared
 * PostgreSQL must not keep between runs) and closed after the suite. Call it inside `describe`.
 *
 * @example
 * const database = closedAfterSuite(open, (value) => value.execute('DELETE FROM items WHERE run = $1', [run]));
 */
export function closedAfterSuite(open: () => Promise<SqlDatabase>, cleanUp?: (database: SqlDatabase) => Promise<unknown>): () => Promise<SqlDatabase> {
  const opened: SqlDatabase[] = [];
  afterAll(async () => {
    for (const database of opened) {
      await cleanUp?.(database);
      await database.close();
    }
  });
  return async () => {
    const database = await open();
    opened.push(database);
    return database;
  };
}
