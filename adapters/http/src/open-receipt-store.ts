import { createSqlReceiptStore, openPostgresDatabase, openSqliteDatabase, type DurableReceiptStore, type SqlDatabase } from '@routekit/operations';

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
  const url = environment.ROUTEKIT_DATABASE_URL;
  const postgres = url !== undefined && /^postgres(ql)?:\/\//.test(url);
  const path = environment.ROUTEKIT_DATABASE ?? '.routekit/routekit.db';
  const database = postgres ? await openPostgresDatabase({ connection: url }) : openSqliteDatabase({ path });
  const receipts = await createSqlReceiptStore({ database });
  return {
    receipts,
    database,
    where: postgres ? url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@') : path,
    async close() {
      await receipts.close();
      await database.close();
    },
  };
}
