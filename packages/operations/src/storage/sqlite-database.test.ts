import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '@routekit/core';
import { openSqliteDatabase } from './sqlite-database.js';

describe('openSqliteDatabase on a Node without node:sqlite', () => {
  afterEach(() => vi.restoreAllMocks());

  it('loads SQLite only when a database is opened, and says which Node it needs and which this is', () => {
    // Node 22.0-22.12 have no unflagged node:sqlite: importing this module must still work there.
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined);
    let error: unknown;
    try {
      openSqliteDatabase({ path: ':memory:' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(`a SQLite database needs Node >= 22.13 (node:sqlite); this is Node ${process.versions.node}: upgrade Node or use PostgreSQL (a postgres:// database URL)`);
  });

  it('opens one where Node has it', async () => {
    const database = openSqliteDatabase({ path: ':memory:' });
    await database.execute('CREATE TABLE t (x INTEGER)');
    expect(await database.execute('INSERT INTO t VALUES (1)')).toBe(1);
    await database.close();
  });
});
