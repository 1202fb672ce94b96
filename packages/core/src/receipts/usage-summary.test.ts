import { describe, expect, it } from 'vitest';
import type { Receipt } from './receipt.js';
import { MemoryReceiptStore } from './receipt-store.js';
import { summarizeUsage } from './usage-summary.js';

const base = Date.parse('2026-12-01T10:00:00.000Z');
function receipt(index: number, overrides: Partial<Receipt>): Receipt {
  return {
    request_id: `r${index}`, timestamp: new Date(base + index * 60_000).toISOString(), tenant: 'acme', api_key_id: 'k1', model_requested: 'auto', strategy: 'auto',
    candidates: [], winner: 'openai/gpt-4.1-mini', reason: '', stream: false, routing_overhead_ms: 0.1, duration_ms: 100 * (index + 1), upstream_latency_ms: 1, time_to_first_token_ms: null,
    tokens: { prompt: 10, completion: 5, total: 15, estimated: false }, cost_usd: 0.001, default_model: 'openai/gpt-4.1', default_cost_usd: 0.005, savings_usd: 0.004,
    attempts: [], fallback_attempts: 0, status: 'ok', ...overrides,
  };
}

// Known traffic, with the figures worked out by hand below.
const traffic: Receipt[] = [
  receipt(0, {}),
  receipt(1, { cache: { status: 'hit', kind: 'exact' }, cost_usd: 0, savings_usd: 0.005, tokens: { prompt: 0, completion: 0, total: 0, estimated: false } }),
  receipt(2, { cache: { status: 'miss' }, winner: 'openai/gpt-4.1', cost_usd: 0.005, savings_usd: 0, fallback_attempts: 1 }),
  receipt(3, { status: 'error', winner: null, error: { status: 429, code: 'rate_limit_exceeded' }, cost_usd: 0, default_cost_usd: null, savings_usd: 0, tokens: { prompt: 0, completion: 0, total: 0, estimated: false } }),
  receipt(4, { tenant: 'other', api_key_id: 'k2', status: 'error', winner: null, error: { status: 402, code: 'budget_exceeded' }, cost_usd: 0, default_cost_usd: null, savings_usd: 0 }),
  receipt(200, {}), // outside the range
];

describe('usage analytics', () => {
  it('matches figures computed by hand for known traffic', () => {
    const report = summarizeUsage(traffic, { from: base, to: base + 3_600_000, groupBy: 'none' });
    expect(report.totals).toEqual({
      group: 'all', requests: 5, succeeded: 3, success_rate: 0.6,
      latency_ms: { p50: 300, p95: 500, p99: 500 },
      tokens: { prompt: 30, completion: 15, total: 45 },
      cost_usd: 0.006, default_cost_usd: 0.015, savings_usd: 0.009,
      models: { 'openai/gpt-4.1-mini': 2, 'openai/gpt-4.1': 1 },
      cache_hit_rate: 0.5, fallback_rate: 0.2, rate_limited: 1, spend_limited: 1,
    });
  });

  it('groups by model, key, tenant and time bucket, and scopes to one tenant', () => {
    const range = { from: base, to: base + 3_600_000 };
    expect(summarizeUsage(traffic, { ...range, groupBy: 'model' }).groups.map((group) => [group.group, group.requests])).toEqual([['none', 2], ['openai/gpt-4.1', 1], ['openai/gpt-4.1-mini', 2]]);
    expect(summarizeUsage(traffic, { ...range, groupBy: 'key' }).groups.map((group) => [group.group, group.requests])).toEqual([['k1', 4], ['k2', 1]]);
    expect(summarizeUsage(traffic, { ...range, groupBy: 'tenant', tenant: 'acme' }).groups.map((group) => [group.group, group.requests])).toEqual([['acme', 4]]);
    const hours = summarizeUsage(traffic, { from: base, to: base + 86_400_000, groupBy: 'hour' }).groups;
    expect(hours.map((group) => [group.group, group.requests])).toEqual([['2026-12-01T10:00:00.000Z', 5], ['2026-12-01T13:00:00.000Z', 1]]);
  });

  it('answers from the memory store, which also lists the newest receipts first', async () => {
    const store = new MemoryReceiptStore();
    for (const entry of traffic) await store.put(entry);
    expect((await store.usage({ from: base, to: base + 3_600_000, groupBy: 'none' })).totals.requests).toBe(5);
    expect((await store.recent({ limit: 2 })).map((entry) => entry.request_id)).toEqual(['r200', 'r4']);
    expect((await store.recent({ limit: 10, tenant: 'other' })).map((entry) => entry.request_id)).toEqual(['r4']);
  });
});
