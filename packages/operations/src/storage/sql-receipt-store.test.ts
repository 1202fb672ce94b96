import { describe, expect, it } from 'vitest';
import { MemoryReceiptStore, summarizeUsage, type ReceiptListQuery, type UsageGrouping } from '@routekit/core';
import { createSqlReceiptStore } from './sql-receipt-store.js';
import type { SqlDatabase } from './sql-database.js';
import { generatedReceipts } from './generated-receipts-suite.js';
import { closedAfterSuite, databasesUnderTest } from './sql-database-suite.js';

// Generated traffic over three hours: several tenants, keys and models, errors of each kind, cache
// hits and misses, fallbacks, streams. The SQL figures must equal the in-memory reference's.
const base = Date.parse('2026-11-30T09:00:00.000Z');
const run = `${process.pid}-${Date.now().toString(36)}`;
const traffic = (count: number) => generatedReceipts(count, { seed: 7, from: base, idPrefix: `${run}-`, tenantPrefix: 'tenant-', stream: (index) => index % 2 === 0, durationMs: (_index, random) => Math.round(random() * 5000) / 10 });

function rounded(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_key, entry: unknown) => (typeof entry === 'number' ? Math.round(entry * 1e6) / 1e6 : entry));
}

const databases = databasesUnderTest('routekit-receipts-');

describe.each(databases)('durable receipts on %s', (_name, open) => {
  const openDatabase = closedAfterSuite(open, async (value) => {
    await value.execute('DELETE FROM routekit_receipts WHERE request_id LIKE $1', [`${run}-%`]);
    // The hourly rollups of this traffic's range go too, or runs would pile up counts on a shared PostgreSQL.
    for (const table of ['routekit_usage_hourly', 'routekit_usage_latency_hourly']) await value.execute(`DELETE FROM ${table} WHERE (hour >= $1 AND hour < $2 AND tenant LIKE 'tenant-%') OR tenant = $3 OR tenant = $4 OR tenant LIKE $5`, [base, base + 3 * 3_600_000, `${run}-tenant`, `${run}-list`, `${run}-%`]);
  });

  it('answers usage exactly as the in-memory reference does, for every grouping and a tenant scope', async () => {
    const database = await openDatabase();
    const store = await createSqlReceiptStore({ database });
    const receipts = traffic(400);
    for (const receipt of receipts) await store.put(receipt);
    await store.flush();
    const range = { from: base, to: base + 3 * 3_600_000 };
    // Other runs' rows may share a shared PostgreSQL: scope by this run's tenants through the reference.
    for (const [groupBy, bucketMs] of [['none'], ['model'], ['key'], ['tenant'], ['hour'], ['day'], ['time', 60_000], ['time', 300_000], ['time', 2 * 3_600_000]] as Array<[UsageGrouping, number?]>) {
      for (const tenant of ['tenant-1', undefined]) {
        if (tenant === undefined && database.dialect === 'postgres') continue;
        const query = { ...range, groupBy, ...(bucketMs !== undefined && { bucketMs }), ...(tenant !== undefined && { tenant }) };
        const expected = summarizeUsage(receipts, query);
        const actual = await store.usage(query);
        // Sums of floating-point costs may differ in the last place with the order of addition.
        expect(rounded(actual), `${groupBy} ${bucketMs ?? ''} ${tenant ?? 'all tenants'}`).toEqual(rounded(expected));
      }
    }
    await store.close();
  });

  it('serves a receipt at once, keeps it across a reopen, and lists the newest first', async () => {
    const database = await openDatabase();
    const store = await createSqlReceiptStore({ database, flushIntervalMs: 60_000 });
    const [first, second] = traffic(2).map((receipt, index) => ({ ...receipt, request_id: `${run}-keep-${index}`, timestamp: new Date(Date.now() + index).toISOString(), tenant: `${run}-tenant` }));
    await store.put(first!);
    await store.put(second!);
    expect(await store.get(first!.request_id)).toEqual(first);
    await store.close();
    const reopened = await createSqlReceiptStore({ database });
    expect(await reopened.get(second!.request_id)).toEqual(second);
    expect((await reopened.recent({ limit: 5, tenant: `${run}-tenant` })).map((receipt) => receipt.request_id)).toEqual([second!.request_id, first!.request_id]);
    await reopened.close();
  });

  it('filters and pages the listing as the in-memory store does: status, model, key, time range, cursor', async () => {
    const database = await openDatabase();
    const store = await createSqlReceiptStore({ database });
    const memory = new MemoryReceiptStore({ maxReceipts: 10_000 });
    // Every receipt of this test in one tenant of its own, so other runs on a shared PostgreSQL do not show.
    const tenant = `${run}-list`;
    const receipts = traffic(300).map((receipt, index) => ({ ...receipt, request_id: `${run}-list-${String(index).padStart(4, '0')}`, tenant, timestamp: new Date(base + Math.floor(index / 3) * 60_000).toISOString() }));
    for (const receipt of receipts) {
      await store.put(receipt);
      await memory.put(receipt);
    }
    await store.flush();
    const some = receipts[17]!;
    const queries: Array<Omit<ReceiptListQuery, 'limit'>> = [
      {},
      { status: 'error' },
      { status: 'ok', model: some.winner ?? 'none' },
      { model: some.model_requested },
      { apiKeyId: some.api_key_id ?? 'none' },
      { from: base + 30 * 60_000, to: base + 60 * 60_000 },
    ];
    for (const filter of queries) {
      const expected = await memory.recent({ ...filter, tenant, limit: 10_000 });
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      // Page through the SQL store seven at a time with the last receipt as the cursor: no gap, no repeat.
      const paged: string[] = [];
      let before: ReceiptListQuery['before'];
      for (let page = 0; page < 100; page += 1) {
        const found = await store.recent({ ...filter, tenant, limit: 7, ...(before && { before }) });
        paged.push(...found.map((receipt) => receipt.request_id));
        if (found.length < 7) break;
        const last = found.at(-1)!;
        before = { time: Date.parse(last.timestamp), requestId: last.request_id };
      }
      expect(paged, JSON.stringify(filter)).toEqual(expected.map((receipt) => receipt.request_id));
    }
    await store.close();
  });

  it('keeps a batch the database refused queued, writes it on the next flush, and counts it once', async () => {
    const database = await openDatabase();
    let refuseNext = false;
    const flaky: SqlDatabase = {
      ...database,
      // The first batch meets what a busy PostgreSQL answers now and then (a deadlock, a dropped connection).
      transaction: (work) => {
        if (!refuseNext) return database.transaction(work);
        refuseNext = false;
        return Promise.reject(new Error('deadlock detected'));
      },
    };
    const errors: unknown[] = [];
    const store = await createSqlReceiptStore({ database: flaky, flushIntervalMs: 60_000, onWriteError: (error) => errors.push(error) });
    refuseNext = true;
    const receipts = generatedReceipts(20, { seed: 11, from: base, idPrefix: `${run}-refused-`, tenantPrefix: `${run}-refused-tenant`, stream: () => false, durationMs: () => 5 });
    for (const receipt of receipts) await store.put(receipt);
    await expect(store.flush()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(await store.get(receipts[0]!.request_id)).toEqual(receipts[0]);
    await store.flush();
    const [row] = await database.query<{ count: number | string }>('SELECT COUNT(*) AS count FROM routekit_receipts WHERE request_id LIKE $1', [`${run}-refused-%`]);
    expect(Number(row!.count)).toBe(20);
    const [rolled] = await database.query<{ requests: number | string }>('SELECT SUM(requests) AS requests FROM routekit_usage_hourly WHERE tenant LIKE $1', [`${run}-refused-tenant%`]);
    expect(Number(rolled!.requests)).toBe(20);
    await store.close();
  });

  it('lets two instances write batches that share rollup rows at the same time, in any order, without a failed write', async () => {
    const [first, second] = [await openDatabase(), await openDatabase()];
    const errors: unknown[] = [];
    const stores = await Promise.all([first, second].map((database) => createSqlReceiptStore({ database, flushIntervalMs: 60_000, onWriteError: (error) => errors.push(error) })));
    let written = 0;
    for (let round = 0; round < 5; round += 1) {
      // The same tenants, keys, models and hours, reached in opposite orders by the two instances.
      const ahead = generatedReceipts(120, { seed: 3, from: base, idPrefix: `${run}-race-a${round}-`, tenantPrefix: `${run}-race`, stream: () => false, durationMs: () => 5 });
      const behind = generatedReceipts(120, { seed: 3, from: base, idPrefix: `${run}-race-b${round}-`, tenantPrefix: `${run}-race`, stream: () => false, durationMs: () => 5 }).reverse();
      for (const receipt of ahead) await stores[0]!.put(receipt);
      for (const receipt of behind) await stores[1]!.put(receipt);
      await Promise.all(stores.map((store) => store.flush()));
      written += 240;
    }
    expect(errors).toEqual([]);
    if (first.dialect === 'postgres') {
      const [rolled] = await first.query<{ requests: number | string }>('SELECT SUM(requests) AS requests FROM routekit_usage_hourly WHERE tenant LIKE $1', [`${run}-race%`]);
      expect(Number(rolled!.requests)).toBe(written);
    }
    await Promise.all(stores.map((store) => store.close()));
  });
});
