import { emptyUsageFigures, money, percentile, ratio, type Receipt, type ReceiptStore, type UsageFigures, type UsageGrouping, type UsageQuery, type UsageReport } from '@routekit/core';
import { migrate, type Migration } from './migrate.js';
import type { SqlDatabase } from './sql-database.js';
import { addToUsageRollup, rolledUpCount, usageFromRollup, usageRollupMigrations } from './usage-rollup.js';

export interface SqlReceiptStoreOptions {
  database: SqlDatabase;
  /** Receipts are written in batches off the request path: at most this many ms after they finish. Default 50. */
  flushIntervalMs?: number;
  /** …or as soon as this many are waiting. Default 500. */
  batchSize?: number;
  /**
   * Ranges with more receipts than this are answered from the hourly rollups (exact sums, latency
   * percentiles within 1%); smaller ones from the receipts themselves (exact). Default 50,000.
   */
  exactUsageLimit?: number;
  /**
   * Told when a batch could not be written (the database down, a serialization failure): the batch
   * stays queued and the next flush tries again. Default: one line on standard error, without receipts.
   */
  onWriteError?: (error: unknown) => void;
}

/** The receipts table: the figures usage analytics aggregate, as columns; the whole receipt as JSON. */
export const receiptMigrations: readonly Migration[] = [
  {
    id: '0001-receipts',
    sqlite: `CREATE TABLE IF NOT EXISTS routekit_receipts (
      request_id TEXT PRIMARY KEY, time INTEGER NOT NULL, tenant TEXT NOT NULL, api_key_id TEXT, model_requested TEXT NOT NULL,
      winner TEXT, strategy TEXT NOT NULL, status TEXT NOT NULL, error_status INTEGER, error_code TEXT, duration_ms REAL,
      tokens_prompt INTEGER NOT NULL, tokens_completion INTEGER NOT NULL, cost_usd REAL NOT NULL, default_cost_usd REAL, savings_usd REAL NOT NULL,
      cache_status TEXT, fallback_attempts INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_receipts_time ON routekit_receipts (time);
      CREATE INDEX IF NOT EXISTS routekit_receipts_tenant_time ON routekit_receipts (tenant, time);`,
    postgres: `CREATE TABLE IF NOT EXISTS routekit_receipts (
      request_id TEXT PRIMARY KEY, time BIGINT NOT NULL, tenant TEXT NOT NULL, api_key_id TEXT, model_requested TEXT NOT NULL,
      winner TEXT, strategy TEXT NOT NULL, status TEXT NOT NULL, error_status INTEGER, error_code TEXT, duration_ms DOUBLE PRECISION,
      tokens_prompt INTEGER NOT NULL, tokens_completion INTEGER NOT NULL, cost_usd DOUBLE PRECISION NOT NULL, default_cost_usd DOUBLE PRECISION, savings_usd DOUBLE PRECISION NOT NULL,
      cache_status TEXT, fallback_attempts INTEGER NOT NULL, body TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_receipts_time ON routekit_receipts (time);
      CREATE INDEX IF NOT EXISTS routekit_receipts_tenant_time ON routekit_receipts (tenant, time);`,
  },
  // GET /v1/receipts?key=… pages through one key's receipts newest first without scanning the others.
  {
    id: '0003-receipts-key-time',
    sqlite: 'CREATE INDEX IF NOT EXISTS routekit_receipts_key_time ON routekit_receipts (api_key_id, time);',
    postgres: 'CREATE INDEX IF NOT EXISTS routekit_receipts_key_time ON routekit_receipts (api_key_id, time);',
  },
];

const columns = ['request_id', 'time', 'tenant', 'api_key_id', 'model_requested', 'winner', 'strategy', 'status', 'error_status', 'error_code', 'duration_ms', 'tokens_prompt', 'tokens_completion', 'cost_usd', 'default_cost_usd', 'savings_usd', 'cache_status', 'fallback_attempts', 'body'] as const;

/** A receipt store with `close()`, which writes what is still waiting. */
export interface DurableReceiptStore extends Required<ReceiptStore> {
  /** Writes the waiting receipts now. */
  flush(): Promise<void>;
  /** Flushes, stops the timer; the database stays open (its owner closes it). */
  close(): Promise<void>;
}

/**
 * Durable receipts and usage analytics on SQLite or PostgreSQL. `put` only queues (the request path
 * pays a push), a timer writes batches in one transaction, and a receipt still queued is served
 * from memory, so `GET /v1/receipts/:id` sees it at once. Usage is aggregated in SQL with the same
 * figures as `summarizeUsage` (nearest-rank percentiles).
 *
 * @example
 * const receipts = await createSqlReceiptStore({ database: openSqliteDatabase({ path: '.routekit/routekit.db' }) });
 */
export async function createSqlReceiptStore(options: SqlReceiptStoreOptions): Promise<DurableReceiptStore> {
  const { database } = options;
  await migrate(database, [...receiptMigrations, ...usageRollupMigrations]);
  const exactUsageLimit = options.exactUsageLimit ?? 50_000;
  const pending = new Map<string, Receipt>();
  const batchSize = options.batchSize ?? 500;
  let writing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 50);
  timer.unref();

  const onWriteError = options.onWriteError ?? ((error: unknown) => console.warn(`routekit: receipts could not be written yet (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); they stay queued and are tried again.`));

  function flush(): Promise<void> {
    // One writer at a time, in order: a flush waits for the one before it.
    writing = writing.then(async () => {
      while (pending.size > 0) {
        const batch = [...pending.values()].slice(0, batchSize);
        try {
          await database.transaction(async (transaction) => {
            const inserted: Receipt[] = [];
            for (const receipt of batch) if ((await transaction.execute(insertSql(database.dialect), rowOf(receipt))) > 0) inserted.push(receipt);
            // Only receipts actually inserted are counted, so a receipt written twice is not summed twice.
            await addToUsageRollup(transaction, inserted);
          });
        } catch (error) {
          // The transaction rolled back: the batch stays queued for the next flush. A failed write
          // must never reject a timer's flush (an unhandled rejection ends the process) nor the
          // chain of flushes after it.
          onWriteError(error);
          return;
        }
        for (const receipt of batch) if (pending.get(receipt.request_id) === receipt) pending.delete(receipt.request_id);
      }
    });
    return writing;
  }

  return {
    async put(receipt) {
      pending.set(receipt.request_id, receipt);
      if (pending.size >= batchSize) void flush();
    },
    async get(requestId) {
      const waiting = pending.get(requestId);
      if (waiting !== undefined) return waiting;
      const rows = await database.query<{ body: string }>('SELECT body FROM routekit_receipts WHERE request_id = $1', [requestId]);
      return rows.length === 0 ? undefined : (JSON.parse(rows[0]!.body) as Receipt);
    },
    async recent(query) {
      await flush();
      const conditions: string[] = [];
      const parameters: unknown[] = [];
      const bind = (value: unknown) => `$${parameters.push(value)}`;
      if (query.tenant !== undefined) conditions.push(`tenant = ${bind(query.tenant)}`);
      if (query.status !== undefined) conditions.push(`status = ${bind(query.status)}`);
      if (query.model !== undefined) conditions.push(`(winner = ${bind(query.model)} OR model_requested = ${bind(query.model)})`);
      if (query.apiKeyId !== undefined) conditions.push(`api_key_id = ${bind(query.apiKeyId)}`);
      if (query.from !== undefined) conditions.push(`time >= ${bind(query.from)}`);
      if (query.to !== undefined) conditions.push(`time < ${bind(query.to)}`);
      if (query.before !== undefined) conditions.push(`(time < ${bind(query.before.time)} OR (time = ${bind(query.before.time)} AND request_id < ${bind(query.before.requestId)}))`);
      const where = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      const rows = await database.query<{ body: string }>(`SELECT body FROM routekit_receipts ${where} ORDER BY time DESC, request_id DESC LIMIT ${bind(query.limit)}`, parameters);
      return rows.map((row) => JSON.parse(row.body) as Receipt);
    },
    async usage(query) {
      await flush();
      // Buckets shorter than the rollups' hour can only be read from the receipts themselves.
      const subHour = query.groupBy === 'time' && (query.bucketMs ?? 3_600_000) % 3_600_000 !== 0;
      return !subHour && (await rolledUpCount(database, query)) > exactUsageLimit ? usageFromRollup(database, query) : usageOf(database, query);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

function insertSql(dialect: SqlDatabase['dialect']): string {
  const values = columns.map((_, index) => `$${index + 1}`).join(', ');
  const conflict = dialect === 'postgres' ? 'ON CONFLICT (request_id) DO NOTHING' : '';
  return `INSERT ${dialect === 'sqlite' ? 'OR IGNORE ' : ''}INTO routekit_receipts (${columns.join(', ')}) VALUES (${values}) ${conflict}`;
}

function rowOf(receipt: Receipt): unknown[] {
  return [
    receipt.request_id, Date.parse(receipt.timestamp), receipt.tenant, receipt.api_key_id ?? null, receipt.model_requested, receipt.winner, receipt.strategy, receipt.status,
    receipt.error?.status ?? null, receipt.error?.code ?? null, receipt.duration_ms ?? null, receipt.tokens.prompt, receipt.tokens.completion, receipt.cost_usd,
    receipt.default_cost_usd, receipt.savings_usd, receipt.cache?.status ?? null, receipt.fallback_attempts, JSON.stringify(receipt),
  ];
}

/** GROUP BY the group's key (PostgreSQL refuses a constant there, so none for `none`) and `extra`. */
function groupByClause(grouping: UsageGrouping, extra?: string, bucketMs?: number): string {
  const keys = [...(grouping === 'none' ? [] : [groupExpression(grouping, bucketMs)]), ...(extra === undefined ? [] : [extra])];
  return keys.length === 0 ? '' : `GROUP BY ${keys.join(', ')}`;
}

/** The SQL expression of a group's key; buckets are the bucket's start, in epoch ms. */
function groupExpression(grouping: UsageGrouping, bucketMs = 3_600_000): string {
  switch (grouping) {
    case 'none':
      return `'all'`;
    case 'model':
      return `COALESCE(winner, 'none')`;
    case 'key':
      return `COALESCE(api_key_id, 'none')`;
    case 'tenant':
      return 'tenant';
    case 'hour':
      return '(time - (time % 3600000))';
    case 'day':
      return '(time - (time % 86400000))';
    case 'time':
      // A validated whole number (UsageQuery.bucketMs), never text from a request.
      return `(time - (time % ${Math.floor(bucketMs)}))`;
  }
}

interface AggregateRow {
  group_key: string | number;
  requests: number | string;
  succeeded: number | string;
  tokens_prompt: number | string | null;
  tokens_completion: number | string | null;
  cost: number | null;
  default_cost: number | null;
  savings: number | null;
  cache_hits: number | string;
  cache_lookups: number | string;
  fallbacks: number | string;
  rate_limited: number | string;
  spend_limited: number | string;
}

async function usageOf(database: SqlDatabase, query: UsageQuery): Promise<UsageReport> {
  const key = groupExpression(query.groupBy, query.bucketMs);
  const where = `time >= $1 AND time < $2${query.tenant === undefined ? '' : ' AND tenant = $3'}`;
  const parameters: unknown[] = [query.from, query.to, ...(query.tenant === undefined ? [] : [query.tenant])];
  const aggregates = await database.query<AggregateRow>(
    `SELECT ${key} AS group_key, COUNT(*) AS requests, SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS succeeded,
      SUM(tokens_prompt) AS tokens_prompt, SUM(tokens_completion) AS tokens_completion, SUM(cost_usd) AS cost,
      SUM(COALESCE(default_cost_usd, cost_usd)) AS default_cost, SUM(savings_usd) AS savings,
      SUM(CASE WHEN cache_status = 'hit' THEN 1 ELSE 0 END) AS cache_hits, SUM(CASE WHEN cache_status IN ('hit', 'miss') THEN 1 ELSE 0 END) AS cache_lookups,
      SUM(CASE WHEN fallback_attempts > 0 THEN 1 ELSE 0 END) AS fallbacks,
      SUM(CASE WHEN error_status = 429 AND error_code NOT LIKE 'provider\\_%' ESCAPE '\\' THEN 1 ELSE 0 END) AS rate_limited,
      SUM(CASE WHEN error_status = 402 THEN 1 ELSE 0 END) AS spend_limited
     FROM routekit_receipts WHERE ${where} ${groupByClause(query.groupBy, undefined, query.bucketMs)}`,
    parameters,
  );
  const models = await database.query<{ group_key: string | number; winner: string; count: number | string }>(
    `SELECT ${key} AS group_key, winner, COUNT(*) AS count FROM routekit_receipts WHERE ${where} AND winner IS NOT NULL ${groupByClause(query.groupBy, 'winner', query.bucketMs)}`,
    parameters,
  );
  const latencies = await percentilesOf(database, query.groupBy, where, parameters, query.bucketMs);
  const byGroup = <Row extends { group_key: string | number }>(rows: Row[]) => {
    const map = new Map<string, Row[]>();
    for (const row of rows) {
      const group = groupName(row.group_key, query.groupBy);
      map.set(group, [...(map.get(group) ?? []), row]);
    }
    return map;
  };
  const modelsByGroup = byGroup(models);
  const figuresOf = (group: string, rows: AggregateRow[]): UsageFigures => {
    const sum = (pick: (row: AggregateRow) => number | string | null) => rows.reduce((total, row) => total + Number(pick(row) ?? 0), 0);
    const requests = sum((row) => row.requests);
    const succeeded = sum((row) => row.succeeded);
    const prompt = sum((row) => row.tokens_prompt);
    const completion = sum((row) => row.tokens_completion);
    const distribution = new Map<string, number>();
    for (const row of modelsByGroup.get(group) ?? []) distribution.set(row.winner, (distribution.get(row.winner) ?? 0) + Number(row.count));
    return {
      group,
      requests,
      succeeded,
      success_rate: ratio(succeeded, requests),
      latency_ms: latencies.get(group) ?? { p50: 0, p95: 0, p99: 0 },
      tokens: { prompt, completion, total: prompt + completion },
      cost_usd: money(sum((row) => row.cost)),
      default_cost_usd: money(sum((row) => row.default_cost)),
      savings_usd: money(sum((row) => row.savings)),
      models: Object.fromEntries([...distribution.entries()].sort((left, right) => right[1] - left[1])),
      cache_hit_rate: ratio(sum((row) => row.cache_hits), sum((row) => row.cache_lookups)),
      fallback_rate: ratio(sum((row) => row.fallbacks), requests),
      rate_limited: sum((row) => row.rate_limited),
      spend_limited: sum((row) => row.spend_limited),
    };
  };
  const groups = [...byGroup(aggregates).entries()].map(([group, rows]) => figuresOf(group, rows));
  const totalsLatency = query.groupBy === 'none' ? undefined : (await percentilesOf(database, 'none', where, parameters)).get('all');
  const totals = figuresOf('all', aggregates);
  if (query.groupBy !== 'none') {
    // Totals over groups: sums add up; the model mix and the percentiles are recomputed over all.
    const all = new Map<string, number>();
    for (const row of models) all.set(row.winner, (all.get(row.winner) ?? 0) + Number(row.count));
    totals.models = Object.fromEntries([...all.entries()].sort((left, right) => right[1] - left[1]));
    totals.latency_ms = totalsLatency ?? { p50: 0, p95: 0, p99: 0 };
  }
  return {
    object: 'usage',
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    group_by: query.groupBy,
    totals: query.groupBy === 'none' && groups.length === 0 ? emptyUsageFigures() : query.groupBy === 'none' ? groups[0]! : totals,
    groups: query.groupBy === 'none' ? [] : groups.sort((left, right) => (left.group < right.group ? -1 : left.group > right.group ? 1 : 0)),
  };
}

/** Nearest-rank p50/p95/p99 of duration per group: in SQL on PostgreSQL, over the sorted column on SQLite. */
async function percentilesOf(database: SqlDatabase, grouping: UsageGrouping, where: string, parameters: unknown[], bucketMs?: number): Promise<Map<string, { p50: number; p95: number; p99: number }>> {
  const result = new Map<string, { p50: number; p95: number; p99: number }>();
  const key = groupExpression(grouping, bucketMs);
  if (database.dialect === 'postgres') {
    const rows = await database.query<{ group_key: string | number; p50: number | null; p95: number | null; p99: number | null }>(
      `SELECT ${key} AS group_key, percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
        percentile_disc(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99 FROM routekit_receipts WHERE ${where} AND duration_ms IS NOT NULL ${groupByClause(grouping, undefined, bucketMs)}`,
      parameters,
    );
    for (const row of rows) result.set(groupName(row.group_key, grouping), { p50: Number(row.p50 ?? 0), p95: Number(row.p95 ?? 0), p99: Number(row.p99 ?? 0) });
    return result;
  }
  const rows = await database.query<{ group_key: string | number; duration_ms: number }>(`SELECT ${key} AS group_key, duration_ms FROM routekit_receipts WHERE ${where} AND duration_ms IS NOT NULL ORDER BY ${key}, duration_ms`, parameters);
  const sorted = new Map<string, number[]>();
  for (const row of rows) {
    const group = groupName(row.group_key, grouping);
    const values = sorted.get(group);
    if (values === undefined) sorted.set(group, [row.duration_ms]);
    else values.push(row.duration_ms);
  }
  for (const [group, values] of sorted) result.set(group, { p50: percentile(values, 0.5), p95: percentile(values, 0.95), p99: percentile(values, 0.99) });
  return result;
}

function groupName(value: string | number, grouping: UsageGrouping): string {
  return grouping === 'hour' || grouping === 'day' || grouping === 'time' ? new Date(Number(value)).toISOString() : String(value);
}
