import { describe, expect, it } from 'vitest';
import { summarizeUsage, type UsageGrouping, type UsageReport } from '@routekit/core';
import { createSqlReceiptStore } from './sql-receipt-store.js';
import { latencyBucket, latencyOfBucket, rebuildUsageRollup } from './usage-rollup.js';
import { generatedReceipts } from './generated-receipts-suite.js';
import { closedAfterSuite, databasesUnderTest } from './sql-database-suite.js';

// The hourly rollups answer large ranges: every sum must equal the in-memory reference's, and the
// latency percentiles must be within 1% of the exact nearest-rank ones, with ranges whose edges cut
// hours in two (those parts are read from the receipts themselves).
const base = Date.parse('2026-10-30T09:00:00.000Z');
const run = `${process.pid}-${Date.now().toString(36)}`;
const traffic = (count: number) =>
  generatedReceipts(count, { seed: 11, from: base, idPrefix: `${run}-rollup-`, tenantPrefix: `${run}-tenant-`, stream: () => false, durationMs: (index, random) => (index % 50 === 0 ? 0 : Math.round(random() * 50_000) / 10) });

/** Rounds money and rates, and takes the percentiles out to compare them separately. */
function withoutLatency(report: UsageReport) {
  const strip = (figures: UsageReport['totals']) => ({ ...figures, latency_ms: undefined });
  return JSON.parse(JSON.stringify({ ...report, totals: strip(report.totals), groups: report.groups.map(strip) }), (_key, entry: unknown) => (typeof entry === 'number' ? Math.round(entry * 1e6) / 1e6 : entry));
}

function expectLatencyClose(actual: UsageReport, expected: UsageReport): void {
  const pairs = [[actual.totals, expected.totals], ...actual.groups.map((group, index) => [group, expected.groups[index]!])] as const;
  for (const [left, right] of pairs) {
    for (const quantile of ['p50', 'p95', 'p99'] as const) {
      const exact = right.latency_ms[quantile];
      expect(Math.abs(left.latency_ms[quantile] - exact), `${left.group} ${quantile}`).toBeLessThanOrEqual(exact * 0.01 + 1e-9);
    }
  }
}

const databases = databasesUnderTest('routekit-rollup-');

describe.each(databases)('hourly usage rollups on %s', (_name, open) => {
  const openDatabase = closedAfterSuite(open, async (value) => {
    await value.execute('DELETE FROM routekit_receipts WHERE request_id LIKE $1', [`${run}-%`]);
    await value.execute('DELETE FROM routekit_usage_hourly WHERE tenant LIKE $1', [`${run}-%`]);
    await value.execute('DELETE FROM routekit_usage_latency_hourly WHERE tenant LIKE $1', [`${run}-%`]);
  });

  it('answers like the reference: sums exact, percentiles within 1%, across cut hours and after a rebuild', async () => {
    const database = await openDatabase();
    const store = await createSqlReceiptStore({ database, exactUsageLimit: 0 });
    const receipts = traffic(600);
    for (const receipt of receipts) await store.put(receipt);
    // Written twice: the rollups count it once, like the receipts table.
    await store.flush();
    await store.put(receipts[0]!);
    await store.flush();
    const ranges = [{ from: base, to: base + 3 * 3_600_000 }, { from: base + 17 * 60_000, to: base + 2 * 3_600_000 + 41 * 60_000 }, { from: base + 60_000, to: base + 50 * 60_000 }];
    const check = async () => {
      for (const range of ranges) {
        for (const [groupBy, bucketMs] of [['none'], ['model'], ['key'], ['tenant'], ['hour'], ['day'], ['time', 60_000], ['time', 300_000], ['time', 2 * 3_600_000]] as Array<[UsageGrouping, number?]>) {
          const query = { ...range, groupBy, ...(bucketMs !== undefined && { bucketMs }), tenant: `${run}-tenant-1` };
          const expected = summarizeUsage(receipts, query);
          const actual = await store.usage(query);
          expect(withoutLatency(actual), `${groupBy} ${bucketMs ?? ''} ${range.from - base}`).toEqual(withoutLatency(expected));
          expectLatencyClose(actual, expected);
        }
      }
    };
    await check();
    await rebuildUsageRollup(database);
    await check();
    await store.close();
  });

  it('maps every duration to a bucket whose value is within 1% of it', () => {
    for (const duration of [0.05, 0.5, 1, 3.3, 99.9, 100, 250.25, 4_999.9, 60_000, 600_000]) {
      expect(Math.abs(latencyOfBucket(latencyBucket(duration)) - duration)).toBeLessThanOrEqual(duration * 0.01);
    }
    expect(latencyOfBucket(latencyBucket(0))).toBe(0);
  });
});
