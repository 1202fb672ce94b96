import { openPostgresDatabase, openSqliteDatabase, type SqlDatabase } from '@routekit/operations';

/** Where the standalone gateway's database is, so that another thread (the retraining worker) can open it too. */
export type DatabaseLocation = { postgres: string } | { sqlite: string };

/**
 * PostgreSQL when `ROUTEKIT_DATABASE_URL` is a `postgres://` URL, else the SQLite file at
 * `ROUTEKIT_DATABASE` (default `.routekit/routekit.db`).
 */
export function databaseLocation(environment: NodeJS.ProcessEnv = process.env): DatabaseLocation {
  const url = environment.ROUTEKIT_DATABASE_URL;
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) return { postgres: url };
  return { sqlite: environment.ROUTEKIT_DATABASE ?? '.routekit/routekit.db' };
}

/** Opens a database at its location (a connection of this thread's own). */
export async function openDatabaseAt(location: DatabaseLocation): Promise<SqlDatabase> {
  return 'postgres' in location ? openPostgresDatabase({ connection: location.postgres }) : openSqliteDatabase({ path: location.sqlite });
}
