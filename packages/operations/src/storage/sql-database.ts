/** The SQL dialects routekit's durable stores run on. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * The one interface every durable store (receipts, keys, audit events, webhook outbox) is written
 * against. SQL uses PostgreSQL's numbered placeholders (`$1`, `$2`); on SQLite they run as `?1`,
 * `?2`. Rows come back as plain objects with the column names as keys.
 */
export interface SqlDatabase {
  readonly dialect: SqlDialect;
  /** Runs a statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, parameters?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement and returns how many rows it changed. */
  execute(sql: string, parameters?: readonly unknown[]): Promise<number>;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  script(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<Result>(work: (database: SqlDatabase) => Promise<Result>): Promise<Result>;
  close(): Promise<void>;
}
