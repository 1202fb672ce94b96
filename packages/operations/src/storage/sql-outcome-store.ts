import type { OutcomeFeedback, OutcomeStore, PreparedOutcome, ScoredOutcomeQuery, StoredOutcome } from '@routekit/core';
import { migrate, type Migration } from './migrate.js';
import type { SqlDatabase } from './sql-database.js';

/**
 * The outcomes table: one row per routed request the `default` router decided (its hashed prompt
 * features, never the text, the router version, the models ranked and their estimated costs), and
 * the scores feedback gives, by model. Text stays in `routekit_retained_content`, only for tenants
 * whose content retention keeps it (same request id).
 */
export const outcomeMigrations: readonly Migration[] = [
  {
    id: '0201-outcomes',
    sqlite: `CREATE TABLE IF NOT EXISTS routekit_outcomes (
      request_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, time INTEGER NOT NULL, router_version TEXT, routed_score REAL,
      featurizer TEXT, features TEXT, models TEXT NOT NULL, costs TEXT NOT NULL, winner TEXT, scores TEXT NOT NULL, scored_at INTEGER);
      CREATE INDEX IF NOT EXISTS routekit_outcomes_scored ON routekit_outcomes (scored_at, time);`,
    postgres: `CREATE TABLE IF NOT EXISTS routekit_outcomes (
      request_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, time BIGINT NOT NULL, router_version TEXT, routed_score DOUBLE PRECISION,
      featurizer TEXT, features TEXT, models TEXT NOT NULL, costs TEXT NOT NULL, winner TEXT, scores TEXT NOT NULL, scored_at BIGINT);
      CREATE INDEX IF NOT EXISTS routekit_outcomes_scored ON routekit_outcomes (scored_at, time);`,
  },
];

export interface SqlOutcomeStoreOptions {
  database: SqlDatabase;
  /** Prepared rows are written in batches off the request path, at most this many ms later. Default 200. */
  flushIntervalMs?: number;
  /** Rows no feedback reached are deleted after this long. Default 7 days. */
  unscoredRetentionMs?: number;
  now?: () => number;
}

/** An outcome store with `flush()` and `close()`. */
export interface DurableOutcomeStore extends OutcomeStore {
  flush(): Promise<void>;
  /** Deletes rows no feedback reached within the retention; returns how many went. Runs hourly on its own. */
  expire(): Promise<number>;
  /** Flushes and stops the timers; the database stays open. */
  close(): Promise<void>;
}

interface OutcomeRow {
  request_id: string;
  tenant: string;
  time: number | string;
  router_version: string | null;
  routed_score: number | null;
  featurizer: string | null;
  features: string | null;
  models: string;
  costs: string;
  winner: string | null;
  scores: string;
  scored_at: number | string | null;
}

/**
 * Outcomes on the gateway's SQLite or PostgreSQL, shared by every instance: `prepare` only queues
 * (a timer writes batches), feedback merges one model's score into the row in a transaction that
 * locks it, so two instances scoring two models of one request keep both.
 *
 * @example
 * const outcomes = await createSqlOutcomeStore({ database });
 * createGateway({ learning: { outcomes } });
 */
export async function createSqlOutcomeStore(options: SqlOutcomeStoreOptions): Promise<DurableOutcomeStore> {
  const { database } = options;
  const clock = options.now ?? Date.now;
  await migrate(database, outcomeMigrations);
  const pending = new Map<string, PreparedOutcome>();
  let writing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => void flush().catch(() => undefined), options.flushIntervalMs ?? 200);
  timer.unref();
  const retention = options.unscoredRetentionMs ?? 7 * 86_400_000;
  const expiry = setInterval(() => void expire().catch(() => undefined), 3_600_000);
  expiry.unref();
  const postgres = database.dialect === 'postgres';

  function flush(): Promise<void> {
    writing = writing.then(async () => {
      while (pending.size > 0) {
        const batch = [...pending.values()].slice(0, 500);
        await database.transaction(async (transaction) => {
          for (const outcome of batch) {
            // Feedback may have reached another instance first: keep its scores, add the features.
            await transaction.execute(
              `INSERT INTO routekit_outcomes (request_id, tenant, time, router_version, routed_score, featurizer, features, models, costs, winner, scores, scored_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '{}', NULL)
               ON CONFLICT (request_id) DO UPDATE SET router_version = excluded.router_version, routed_score = excluded.routed_score, featurizer = excluded.featurizer, features = excluded.features, models = excluded.models, costs = excluded.costs, winner = excluded.winner`,
              [outcome.request_id, outcome.tenant, Date.parse(outcome.time), outcome.router_version, outcome.routed_score, outcome.featurizer, outcome.features, JSON.stringify(outcome.models), JSON.stringify(outcome.costs), outcome.winner],
            );
          }
        });
        for (const outcome of batch) if (pending.get(outcome.request_id) === outcome) pending.delete(outcome.request_id);
      }
    });
    return writing;
  }

  function expire(): Promise<number> {
    return database.execute('DELETE FROM routekit_outcomes WHERE scored_at IS NULL AND time < $1', [clock() - retention]);
  }

  return {
    async prepare(outcome) {
      pending.set(outcome.request_id, outcome);
      if (pending.size >= 500) void flush().catch(() => undefined);
    },
    async record(feedback: OutcomeFeedback) {
      if (pending.has(feedback.request_id)) await flush();
      return database.transaction(async (transaction) => {
        const { receipt } = feedback;
        await transaction.execute(
          `INSERT INTO routekit_outcomes (request_id, tenant, time, models, costs, winner, scores) VALUES ($1, $2, $3, $4, $5, $6, '{}') ON CONFLICT (request_id) DO NOTHING`,
          [feedback.request_id, feedback.tenant, Date.parse(receipt.time), JSON.stringify(receipt.models), JSON.stringify(receipt.costs), receipt.winner],
        );
        const [row] = await transaction.query<{ tenant: string; scores: string }>(`SELECT tenant, scores FROM routekit_outcomes WHERE request_id = $1${postgres ? ' FOR UPDATE' : ''}`, [feedback.request_id]);
        if (row === undefined || row.tenant !== feedback.tenant) throw new Error('An outcome of another tenant has this request id.');
        const scores = JSON.parse(row.scores) as Record<string, number>;
        const replaced = Object.hasOwn(scores, feedback.model);
        scores[feedback.model] = feedback.score;
        await transaction.execute('UPDATE routekit_outcomes SET scores = $1, scored_at = $2 WHERE request_id = $3', [JSON.stringify(scores), clock(), feedback.request_id]);
        return { replaced };
      });
    },
    async scored(query: ScoredOutcomeQuery = {}) {
      await flush();
      const tenant = query.tenant === undefined ? '' : ' AND tenant = $2';
      const parameters: unknown[] = [query.limit ?? Number.MAX_SAFE_INTEGER, ...(query.tenant === undefined ? [] : [query.tenant])];
      const rows = await database.query<OutcomeRow>(`SELECT * FROM routekit_outcomes WHERE scored_at IS NOT NULL${tenant} ORDER BY time DESC, request_id DESC LIMIT $1`, parameters);
      return rows.reverse().map(storedOutcome);
    },
    flush,
    expire,
    async close() {
      clearInterval(timer);
      clearInterval(expiry);
      await flush();
    },
  };
}

function storedOutcome(row: OutcomeRow): StoredOutcome {
  return {
    request_id: row.request_id,
    tenant: row.tenant,
    time: new Date(Number(row.time)).toISOString(),
    router_version: row.router_version,
    routed_score: row.routed_score === null ? null : Number(row.routed_score),
    featurizer: row.featurizer,
    features: row.features,
    models: JSON.parse(row.models) as string[],
    costs: JSON.parse(row.costs) as Record<string, number>,
    winner: row.winner,
    scores: JSON.parse(row.scores) as Record<string, number>,
    scored_at: row.scored_at === null ? null : new Date(Number(row.scored_at)).toISOString(),
  };
}
