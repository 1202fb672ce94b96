import { describe, expect, it } from 'vitest';
import { migrate, type Migration } from './migrate.js';
import { closedAfterSuite, databasesUnderTest } from './sql-database-suite.js';

// One suite, both databases: a SQLite file, and the real PostgreSQL on 127.0.0.1:5432 (database
// `test`), each test in a table of its own so parallel runs and other suites do not collide.
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const databases = databasesUnderTest('routekit-sql-');

describe.each(databases)('SqlDatabase on %s', (_name, open) => {
  const database = closedAfterSuite(open, async (value) => {
    if (value.dialect === 'postgres') await value.script(`DROP TABLE IF EXISTS items_${suffix}; DELETE FROM routekit_migrations WHERE id LIKE '%${suffix}'`);
  });
  const migrations: Migration[] = [
    { id: `0001-items-${suffix}`, sqlite: `CREATE TABLE items_${suffix} (id TEXT PRIMARY KEY, amount REAL NOT NULL, flag INTEGER NOT NULL)`, postgres: `CREATE TABLE items_${suffix} (id TEXT PRIMARY KEY, amount DOUBLE PRECISION NOT NULL, flag INTEGER NOT NULL)` },
  ];

  it('migrates once, however often it runs', async () => {
    const value = await database();
    expect(await migrate(value, migrations)).toEqual([`0001-items-${suffix}`]);
    expect(await migrate(value, migrations)).toEqual([]);
  });

  it('binds numbered parameters, counts changes and returns rows as objects', async () => {
    const value = await database();
    await migrate(value, migrations);
    expect(await value.execute(`INSERT INTO items_${suffix} (id, amount, flag) VALUES ($1, $2, $3)`, ['a', 1.5, 1])).toBe(1);
    await value.execute(`INSERT INTO items_${suffix} (id, amount, flag) VALUES ($1, $2, $3)`, ['b', 2.5, 0]);
    const rows = await value.query<{ id: string; amount: number }>(`SELECT id, amount FROM items_${suffix} WHERE amount > $1 AND id <> $2 ORDER BY id`, [1, 'zzz']);
    expect(rows.map((row) => ({ ...row }))).toEqual([{ id: 'a', amount: 1.5 }, { id: 'b', amount: 2.5 }]);
  });

  it('rolls a failed transaction back and commits a good one', async () => {
    const value = await database();
    await migrate(value, migrations);
    await expect(value.transaction(async (transaction) => {
      await transaction.execute(`INSERT INTO items_${suffix} (id, amount, flag) VALUES ($1, $2, $3)`, ['c', 3, 0]);
      throw new Error('abandon');
    })).rejects.toThrow('abandon');
    expect(await value.query(`SELECT id FROM items_${suffix} WHERE id = $1`, ['c'])).toHaveLength(0);
    await value.transaction((transaction) => transaction.execute(`INSERT INTO items_${suffix} (id, amount, flag) VALUES ($1, $2, $3)`, ['d', 4, 1]));
    expect(await value.query(`SELECT id FROM items_${suffix} WHERE id = $1`, ['d'])).toHaveLength(1);
  });
});
