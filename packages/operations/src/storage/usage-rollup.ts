import { money, ratio, type Receipt, type UsageFigures, type UsageGrouping, type UsageQuery, type UsageReport } from '@routekit/core';
import type { Migration } from './migrate.js';
import type { SqlDatabase } from './sql-database.js';

/**
 * Hourly rollups of the receipts table, so usage over a day of heavy traffic reads a few thousand
 * rows instead of a million. Sums and counts are exact. Latency percentiles come from a log-scale
 * histogram (DDSketch's mapping, gamma 1.02): each bucket's representative value is within 1% of
 * every duration in it, so a percentile is within 1% of the exact nearest-rank one.
 */
export const latencyGamma = 1.02;
const logGamma = Math.log(latencyGamma);
/** Durations of 0 (or less) share one bucket, reported as 0. */
const zeroBucket = -1_000_000;

/** The histogram bucket of a duration; the SQL in the migration computes the same. */
export function latencyBucket(durationMs: number): number {
  return durationMs > 0 ? Math.ceil(Math.log(durationMs) / logGamma) : zeroBucket;
}

/** A value within 1% of every duration in the bucket. */
export function latencyOfBucket(bucket: number): number {
  return bucket === zeroBucket ? 0 : Number(((2 * latencyGamma ** bucket) / (latencyGamma + 1)).toPrecision(6));
}

const sums = ['requests', 'succeeded', 'tokens_prompt', 'tokens_completion', 'cost', 'default_cost', 'savings', 'cache_hits', 'cache_lookups', 'fallbacks', 'rate_limited', 'spend_limited'] as const;
type Sum = (typeof sums)[number];

/** SQL aggregates over receipt rows, in the order of `sums`. */
const sumExpressionList = [
  'COUNT(*)', "SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END)", 'SUM(tokens_prompt)', 'SUM(tokens_completion)', 'SUM(cost_usd)',
  'SUM(COALESCE(default_cost_usd, cost_usd))', 'SUM(savings_usd)', "SUM(CASE WHEN cache_status = 'hit' THEN 1 ELSE 0 END)",
  "SUM(CASE WHEN cache_status IN ('hit', 'miss') THEN 1 ELSE 0 END)", 'SUM(CASE WHEN fallback_attempts > 0 THEN 1 ELSE 0 END)',
  "SUM(CASE WHEN error_status = 429 AND error_code NOT LIKE 'provider\\_%' ESCAPE '\\' THEN 1 ELSE 0 END)", 'SUM(CASE WHEN error_status = 402 THEN 1 ELSE 0 END)',
];
const sumExpressions = sumExpressionList.join(', ');
const bucketExpression = `CASE WHEN duration_ms > 0 THEN CAST(CEIL(LN(duration_ms) / LN(${latencyGamma})) AS INTEGER) ELSE ${zeroBucket} END`;
// A missing key or winner is '' in the rollup's primary key (NULL is never equal to itself there).
const dimensionExpressions = ['(time - (time % 3600000))', 'tenant', "COALESCE(api_key_id, '')", "COALESCE(winner, '')"];
const dimensions = dimensionExpressions.join(', ');
const selectSums = sumExpressionList.map((expression, index) => `${expression} AS ${sums[index]}`).join(', ');

function rollupTables(real: string, integer: string): string {
  return `CREATE TABLE IF NOT EXISTS routekit_usage_hourly (hour ${integer} NOT NULL, tenant TEXT NOT NULL, api_key_id TEXT NOT NULL, winner TEXT NOT NULL,
      ${sums.map((name) => `${name} ${name.includes('cost') || name === 'savings' ? real : integer} NOT NULL`).join(', ')}, PRIMARY KEY (hour, tenant, api_key_id, winner));
    CREATE TABLE IF NOT EXISTS routekit_usage_latency_hourly (hour ${integer} NOT NULL, tenant TEXT NOT NULL, api_key_id TEXT NOT NULL, winner TEXT NOT NULL,
      bucket INTEGER NOT NULL, count ${integer} NOT NULL, PRIMARY KEY (hour, tenant, api_key_id, winner, bucket));
    INSERT INTO routekit_usage_hourly SELECT ${dimensions}, ${sumExpressions} FROM routekit_receipts GROUP BY ${dimensions};
    INSERT INTO routekit_usage_latency_hourly SELECT ${dimensions}, ${bucketExpression}, COUNT(*) FROM routekit_receipts WHERE duration_ms IS NOT NULL GROUP BY ${dimensions}, ${bucketExpression};`;
}

/** Creates the rollups and fills them from the receipts already stored. */
export const usageRollupMigrations: readonly Migration[] = [
  { id: '0002-usage-hourly-rollup', sqlite: rollupTables('REAL', 'INTEGER'), postgres: rollupTables('DOUBLE PRECISION', 'BIGINT') },
];

/** Rebuilds both rollups from the receipts table (after a bulk load that bypassed the store). */
export async function rebuildUsageRollup(database: SqlDatabase): Promise<void> {
  await database.transaction(async (transaction) => {
    await transaction.execute('DELETE FROM routekit_usage_hourly');
    await transaction.execute('DELETE FROM routekit_usage_latency_hourly');
    await transaction.execute(`INSERT INTO routekit_usage_hourly SELECT ${dimensions}, ${sumExpressions} FROM routekit_receipts GROUP BY ${dimensions}`);
    await transaction.execute(`INSERT INTO routekit_usage_latency_hourly SELECT ${dimensions}, ${bucketExpression}, COUNT(*) FROM routekit_receipts WHERE duration_ms IS NOT NULL GROUP BY ${dimensions}, ${bucketExpression}`);
  });
}

interface RollupRow extends Record<Sum, number> {
  hour: number;
  tenant: string;
  api_key_id: string;
  winner: string;
}
interface LatencyRow {
  hour: number;
  tenant: string;
  api_key_id: string;
  winner: string;
  bucket: number;
  count: number;
}

function inKeyOrder<Row>(rows: ReadonlyMap<string, Row>): Row[] {
  return [...rows.keys()].sort().map((key) => rows.get(key)!);
}

/** Adds a batch of newly inserted receipts to the rollups, inside the batch's transaction. */
export async function addToUsageRollup(transaction: SqlDatabase, receipts: readonly Receipt[]): Promise<void> {
  const rows = new Map<string, RollupRow>();
  const latencies = new Map<string, LatencyRow>();
  for (const receipt of receipts) {
    const time = Date.parse(receipt.timestamp);
    const dimension = { hour: time - (time % 3_600_000), tenant: receipt.tenant, api_key_id: receipt.api_key_id ?? '', winner: receipt.winner ?? '' };
    const key = JSON.stringify([dimension.hour, dimension.tenant, dimension.api_key_id, dimension.winner]);
    let row = rows.get(key);
    if (row === undefined) {
      row = { ...dimension, ...(Object.fromEntries(sums.map((name) => [name, 0])) as Record<Sum, number>) };
      rows.set(key, row);
    }
    const status = receipt.error?.status;
    row.requests += 1;
    row.succeeded += receipt.status === 'ok' ? 1 : 0;
    row.tokens_prompt += receipt.tokens.prompt;
    row.tokens_completion += receipt.tokens.completion;
    row.cost += receipt.cost_usd;
    row.default_cost += receipt.default_cost_usd ?? receipt.cost_usd;
    row.savings += receipt.savings_usd;
    row.cache_hits += receipt.cache?.status === 'hit' ? 1 : 0;
    row.cache_lookups += receipt.cache?.status === 'hit' || receipt.cache?.status === 'miss' ? 1 : 0;
    row.fallbacks += receipt.fallback_attempts > 0 ? 1 : 0;
    row.rate_limited += status === 429 && receipt.error?.code !== undefined && !receipt.error.code.startsWith('provider_') ? 1 : 0;
    row.spend_limited += status === 402 ? 1 : 0;
    if (receipt.duration_ms !== null && receipt.duration_ms !== undefined) {
      const bucket = latencyBucket(receipt.duration_ms);
      const latencyKey = `${key}:${bucket}`;
      const latency = latencies.get(latencyKey) ?? { ...dimension, bucket, count: 0 };
      latency.count += 1;
      latencies.set(latencyKey, latency);
    }
  }
  // In one order on every instance (by their keys), so two instances' batches lock the rows they share
  // in the same order and never deadlock each other; in the order of arrival, they did under load.
  for (const row of inKeyOrder(rows)) {
    await transaction.execute(
      `INSERT INTO routekit_usage_hourly (hour, tenant, api_key_id, winner, ${sums.join(', ')}) VALUES ($1, $2, $3, $4, ${sums.map((_, index) => `$${index + 5}`).join(', ')})
       ON CONFLICT (hour, tenant, api_key_id, winner) DO UPDATE SET ${sums.map((name) => `${name} = routekit_usage_hourly.${name} + excluded.${name}`).join(', ')}`,
      [row.hour, row.tenant, row.api_key_id, row.winner, ...sums.map((name) => row[name])],
    );
  }
  for (const latency of inKeyOrder(latencies)) {
    await transaction.execute(
      `INSERT INTO routekit_usage_latency_hourly (hour, tenant, api_key_id, winner, bucket, count) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (hour, tenant, api_key_id, winner, bucket) DO UPDATE SET count = routekit_usage_latency_hourly.count + excluded.count`,
      [latency.hour, latency.tenant, latency.api_key_id, latency.winner, latency.bucket, latency.count],
    );
  }
}

/** How many receipts the rollup holds for the whole hours of a range (a cheap size estimate). */
export async function rolledUpCount(database: SqlDatabase, query: UsageQuery): Promise<number> {
  const tenant = query.tenant === undefined ? '' : ' AND tenant = $3';
  const rows = await database.query<{ total: number | string | null }>(
    `SELECT SUM(requests) AS total FROM routekit_usage_hourly WHERE hour >= $1 AND hour < $2${tenant}`,
    [query.from - (query.from % 3_600_000), query.to, ...(query.tenant === undefined ? [] : [query.tenant])],
  );
  return Number(rows[0]?.total ?? 0);
}

/** Each grouping's key over the rollup columns, and over the receipts' own (for the edges); `time` buckets are whole hours here. */
const rollupGroup: Record<Exclude<UsageGrouping, 'time'>, string> = {
  none: `'all'`,
  model: `CASE WHEN winner = '' THEN 'none' ELSE winner END`,
  key: `CASE WHEN api_key_id = '' THEN 'none' ELSE api_key_id END`,
  tenant: 'tenant',
  hour: 'hour',
  day: '(hour - (hour % 86400000))',
};
const receiptGroup: Record<Exclude<UsageGrouping, 'time'>, string> = {
  none: `'all'`,
  model: `COALESCE(winner, 'none')`,
  key: `COALESCE(api_key_id, 'none')`,
  tenant: 'tenant',
  hour: '(time - (time % 3600000))',
  day: '(time - (time % 86400000))',
};
/** GROUP BY the group's key and `extra` (PostgreSQL refuses a constant there, so none for `none`). */
const groupBy = (grouping: UsageGrouping, key: string, extra: string) => `GROUP BY ${grouping === 'none' ? '' : `${key}, `}${extra}`;

interface GroupedSums extends Record<Sum, number | string | null> {
  group_key: string | number;
  winner: string;
}
interface GroupedLatency {
  group_key: string | number;
  bucket: number | string;
  count: number | string;
}

/**
 * Usage from the rollups for the whole hours of the range, and from the receipts themselves for the
 * partial hours at its edges; both aggregated per group in SQL (a few hundred rows come back), and
 * merged here.
 */
export async function usageFromRollup(database: SqlDatabase, query: UsageQuery): Promise<UsageReport> {
  const firstHour = Math.ceil(query.from / 3_600_000) * 3_600_000;
  const lastHour = Math.max(firstHour, Math.floor(query.to / 3_600_000) * 3_600_000);
  const tenantFilter = (index: number) => (query.tenant === undefined ? '' : ` AND tenant = $${index}`);
  const tenantParameter = query.tenant === undefined ? [] : [query.tenant];
  const stored = `FROM routekit_usage_hourly WHERE hour >= $1 AND hour < $2${tenantFilter(3)}`;
  const storedParameters = [firstHour, lastHour, ...tenantParameter];
  // A validated whole number of hours (UsageQuery.bucketMs), never text from a request.
  const bucketMs = Math.floor(query.bucketMs ?? 3_600_000);
  const rollupKey = query.groupBy === 'time' ? `(hour - (hour % ${bucketMs}))` : rollupGroup[query.groupBy];
  const receiptKey = query.groupBy === 'time' ? `(time - (time % ${bucketMs}))` : receiptGroup[query.groupBy];
  const edge = `FROM routekit_receipts WHERE ((time >= $1 AND time < $2) OR (time >= $3 AND time < $4))${tenantFilter(5)}`;
  const edgeParameters = [query.from, Math.min(firstHour, query.to), Math.max(lastHour, query.from), query.to, ...tenantParameter];
  const [storedSums, storedLatency, edgeSums, edgeLatency] = await Promise.all([
    database.query<GroupedSums>(`SELECT ${rollupKey} AS group_key, winner, ${sums.map((name) => `SUM(${name}) AS ${name}`).join(', ')} ${stored} ${groupBy(query.groupBy, rollupKey, 'winner')}`, storedParameters),
    database.query<GroupedLatency>(`SELECT ${rollupKey} AS group_key, bucket, SUM(count) AS count FROM routekit_usage_latency_hourly WHERE hour >= $1 AND hour < $2${tenantFilter(3)} ${groupBy(query.groupBy, rollupKey, 'bucket')}`, storedParameters),
    database.query<GroupedSums>(`SELECT ${receiptKey} AS group_key, COALESCE(winner, '') AS winner, ${selectSums} ${edge} ${groupBy(query.groupBy, receiptKey, "COALESCE(winner, '')")}`, edgeParameters),
    database.query<GroupedLatency>(`SELECT ${receiptKey} AS group_key, ${bucketExpression} AS bucket, COUNT(*) AS count ${edge} AND duration_ms IS NOT NULL ${groupBy(query.groupBy, receiptKey, bucketExpression)}`, edgeParameters),
  ]);
  return reportOf(query, [...storedSums, ...edgeSums], [...storedLatency, ...edgeLatency]);
}

function groupName(value: string | number, grouping: UsageGrouping): string {
  return grouping === 'hour' || grouping === 'day' || grouping === 'time' ? new Date(Number(value)).toISOString() : String(value);
}

interface Accumulator {
  sums: Record<Sum, number>;
  models: Map<string, number>;
  latency: Map<number, number>;
}

function reportOf(query: UsageQuery, rows: GroupedSums[], latencies: GroupedLatency[]): UsageReport {
  const empty = (): Accumulator => ({ sums: Object.fromEntries(sums.map((name) => [name, 0])) as Record<Sum, number>, models: new Map(), latency: new Map() });
  const groups = new Map<string, Accumulator>();
  const totals = empty();
  const accumulator = (key: string | number) => {
    const group = groupName(key, query.groupBy);
    let found = groups.get(group);
    if (found === undefined) {
      found = empty();
      groups.set(group, found);
    }
    return found;
  };
  for (const row of rows) {
    for (const target of [accumulator(row.group_key), totals]) {
      for (const name of sums) target.sums[name] += Number(row[name] ?? 0);
      if (row.winner !== '') target.models.set(row.winner, (target.models.get(row.winner) ?? 0) + Number(row.requests));
    }
  }
  for (const row of latencies) {
    for (const target of [accumulator(row.group_key), totals]) target.latency.set(Number(row.bucket), (target.latency.get(Number(row.bucket)) ?? 0) + Number(row.count));
  }
  const figures = (group: string, value: Accumulator): UsageFigures => ({
    group,
    requests: value.sums.requests,
    succeeded: value.sums.succeeded,
    success_rate: ratio(value.sums.succeeded, value.sums.requests),
    latency_ms: percentilesOf(value.latency),
    tokens: { prompt: value.sums.tokens_prompt, completion: value.sums.tokens_completion, total: value.sums.tokens_prompt + value.sums.tokens_completion },
    cost_usd: money(value.sums.cost),
    default_cost_usd: money(value.sums.default_cost),
    savings_usd: money(value.sums.savings),
    models: Object.fromEntries([...value.models.entries()].sort((left, right) => right[1] - left[1])),
    cache_hit_rate: ratio(value.sums.cache_hits, value.sums.cache_lookups),
    fallback_rate: ratio(value.sums.fallbacks, value.sums.requests),
    rate_limited: value.sums.rate_limited,
    spend_limited: value.sums.spend_limited,
  });
  const listed = [...groups.entries()].filter(([, value]) => value.sums.requests > 0).map(([group, value]) => figures(group, value));
  return {
    object: 'usage',
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    group_by: query.groupBy,
    totals: figures('all', totals),
    groups: query.groupBy === 'none' ? [] : listed.sort((left, right) => (left.group < right.group ? -1 : left.group > right.group ? 1 : 0)),
  };
}

/** Nearest-rank percentiles over a histogram, as `percentile` computes them over sorted values. */
function percentilesOf(histogram: Map<number, number>): { p50: number; p95: number; p99: number } {
  const buckets = [...histogram.entries()].sort((left, right) => left[0] - right[0]);
  const count = buckets.reduce((total, [, value]) => total + value, 0);
  const at = (share: number) => {
    if (count === 0) return 0;
    const rank = Math.min(count, Math.max(1, Math.ceil(share * count)));
    let seen = 0;
    for (const [bucket, value] of buckets) {
      seen += value;
      if (seen >= rank) return latencyOfBucket(bucket);
    }
    return 0;
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
