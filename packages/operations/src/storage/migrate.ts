import type { SqlDatabase } from './sql-database.js';

/** One schema change, written for both dialects; ids are applied in order and never edited once shipped. */
export interface Migration {
  id: string;
  sqlite: string;
  postgres: string;
}

/**
 * Applies the migrations a database has not seen yet, in order, each in its own transaction, and
 * records them in `routekit_migrations`. Safe to run on every start and from several instances at
 * once (PostgreSQL takes an advisory lock; SQLite's writer lock serialises).
 */
export async function migrate(database: SqlDatabase, migrations: readonly Migration[]): Promise<string[]> {
  await database.script('CREATE TABLE IF NOT EXISTS routekit_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied: string[] = [];
  await database.transaction(async (transaction) => {
    if (transaction.dialect === 'postgres') await transaction.query('SELECT pg_advisory_xact_lock(726563401)');
    const done = new Set((await transaction.query<{ id: string }>('SELECT id FROM routekit_migrations')).map((row) => row.id));
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      await transaction.script(transaction.dialect === 'sqlite' ? migration.sqlite : migration.postgres);
      await transaction.execute('INSERT INTO routekit_migrations (id, applied_at) VALUES ($1, $2)', [migration.id, new Date().toISOString()]);
      applied.push(migration.id);
    }
  });
  return applied;
}
