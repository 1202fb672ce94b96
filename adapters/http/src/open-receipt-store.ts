import { createSqlReceiptStore, type DurableReceiptStore, type SqlDatabase } from '@routekit/operations';
import { databaseLocation, openDatabaseAt } from './database-location.js';

export interface GatewayReceipts {
  receipts: DurableReceiptStore;
  database: SqlDatabase;
  /** Where they are kept, for the start-up line (a PostgreSQL URL without its password). */
  where: string;
  /** Writes what is queued and closes the database; for a graceful shutdown. */
  close(): Promise<void>;
}

/**
 * The standalone gateway's durable receipts: PostgreSQL when `ROUTEKIT_DATABASE_URL` is a
 * `postgres://` URL (many instances share receipts and usage), else a SQLite file at
 * `ROUTEKIT_DATABASE` (default `.routekit/routekit.db`).
 */
export async function openReceiptStore(environment: NodeJS.ProcessEnv = process.env): Promise<GatewayReceipts> {
  const location = databaseLocation(environment);
  const database = await openDatabaseAt(location);
  const receipts = await createSqlReceiptStore({ database });
  return {
    receipts,
    database,
    where: 'postgres' in location ? location.postgres.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : location.sqlite,
    async close() {
      await receipts.close();
      await database.close();
    },
  };
}
