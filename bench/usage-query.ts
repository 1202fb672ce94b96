// GET /v1/usage over 1,000,000 receipts on PostgreSQL: inserts synthetic receipts with
// generate_series into a schema of its own (search_path), times store.usage() for a 24-hour range
// grouped by model and by hour (and with a tenant scope), reports the median of several runs, and
// drops the schema afterwards. Needs the PostgreSQL of the issue (127.0.0.1:5432, database `test`).
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx bench/usage-query.ts [receipts=1000000] [spreadHours=24]
import { createSqlReceiptStore } from '../packages/operations/src/storage/sql-receipt-store.js';
import { rebuildUsageRollup } from '../packages/operations/src/storage/usage-rollup.js';
import { openPostgresDatabase } from '../packages/operations/src/storage/postgres-database.js';
import type { UsageGrouping } from '../packages/core/src/receipts/usage-summary.js';

const connection = process.env.ROUTEKIT_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const count = Number(process.argv[2] ?? 1_000_000);
const spreadHours = Number(process.argv[3] ?? 24);
const schema = `routekit_bench_${process.pid}_${Date.now().toString(36)}`;
const runs = 7;
const start = Date.parse('2026-11-01T00:00:00.000Z');

const admin = await openPostgresDatabase({ connection, poolSize: 1 });
await admin.script(`CREATE SCHEMA ${schema}`);
const database = await openPostgresDatabase({ connection: { connectionString: connection, options: `-c search_path=${schema}` }, poolSize: 4 });
try {
  const store = await createSqlReceiptStore({ database });
  const loadStarted = performance.now();
  // One statement: the server generates the rows (10 tenants, 50 keys, 4 models, 5% errors, 25% cache hits).
  await database.execute(
    `INSERT INTO routekit_receipts (request_id, time, tenant, api_key_id, model_requested, winner, strategy, status, error_status, error_code, duration_ms,
       tokens_prompt, tokens_completion, cost_usd, default_cost_usd, savings_usd, cache_status, fallback_attempts, body)
     SELECT 'bench-' || n, $1::bigint + (n::bigint * $2::bigint) / $3::bigint, 'tenant-' || (n % 10), 'key-' || (n % 50), 'auto',
       CASE WHEN n % 20 = 0 THEN NULL ELSE (ARRAY['openai/gpt-4.1', 'openai/gpt-4.1-mini', 'anthropic/claude-haiku-4-5', 'anthropic/claude-sonnet-4-5'])[1 + n % 4] END,
       'auto', CASE WHEN n % 20 = 0 THEN 'error' ELSE 'ok' END, CASE WHEN n % 20 = 0 THEN 429 ELSE NULL END, CASE WHEN n % 20 = 0 THEN 'rate_limit_exceeded' ELSE NULL END,
       (n * 7919 % 5000) / 10.0, 100 + n % 900, 20 + n % 300, (n % 1000) / 1e6, (n % 1000) / 3e5, (n % 1000) / 3e5 - (n % 1000) / 1e6,
       CASE n % 4 WHEN 0 THEN 'hit' WHEN 1 THEN 'miss' ELSE NULL END, CASE WHEN n % 11 = 0 THEN 1 ELSE 0 END, '{}'
     FROM generate_series(1, $3::bigint) AS n`,
    [start, spreadHours * 3_600_000, count],
  );
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  // The bulk insert bypassed the store, so the hourly rollups the store keeps on insert are rebuilt once.
  const rollupStarted = performance.now();
  await rebuildUsageRollup(database);
  await database.script('ANALYZE routekit_receipts; ANALYZE routekit_usage_hourly; ANALYZE routekit_usage_latency_hourly');
  const rollupSeconds = (performance.now() - rollupStarted) / 1000;
  const [sizes] = await database.query<{ hourly: string; latency: string }>('SELECT (SELECT COUNT(*) FROM routekit_usage_hourly) AS hourly, (SELECT COUNT(*) FROM routekit_usage_latency_hourly) AS latency');
  console.log(`loaded ${count.toLocaleString('en')} receipts over ${spreadHours} h in ${loadSeconds.toFixed(1)} s, rollups rebuilt in ${rollupSeconds.toFixed(1)} s (${sizes!.hourly} hourly rows, ${sizes!.latency} latency rows; schema ${schema})`);

  const range = { from: start, to: start + 24 * 3_600_000 };
  const cases: Array<[string, { groupBy: UsageGrouping; tenant?: string; from?: number; to?: number }]> = [
    ['24 h by model (admin, all tenants)', { groupBy: 'model' }],
    ['24 h by hour (admin, all tenants)', { groupBy: 'hour' }],
    ['24 h by model, one tenant', { groupBy: 'model', tenant: 'tenant-3' }],
    ['24 h by hour, one tenant', { groupBy: 'hour', tenant: 'tenant-3' }],
    ['24 h by key, edges cutting hours (admin)', { groupBy: 'key', from: start + 17 * 60_000, to: start + 24 * 3_600_000 - 13 * 60_000 }],
  ];
  for (const [label, query] of cases) {
    const times: number[] = [];
    let requests = 0;
    await store.usage({ ...range, ...query });
    for (let index = 0; index < runs; index++) {
      const started = performance.now();
      const report = await store.usage({ ...range, ...query });
      times.push(performance.now() - started);
      requests = report.totals.requests;
    }
    times.sort((left, right) => left - right);
    console.log(`${label}: p50 ${times[Math.floor(runs / 2)]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over ${runs} runs (${requests.toLocaleString('en')} receipts in range)`);
  }
  await store.close();
} finally {
  await database.close();
  await admin.script(`DROP SCHEMA ${schema} CASCADE`);
  await admin.close();
}
