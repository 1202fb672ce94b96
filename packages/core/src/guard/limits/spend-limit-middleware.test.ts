import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LatencyTracker } from '../../catalog/latency-tracker.js';
import { BudgetExceededError } from '../../errors.js';
import { compose } from '../../pipeline/compose.js';
import { executeCandidates } from '../../pipeline/execute-candidates.js';
import { createMemoryCounterStore } from '../../stores/memory-counter-store.js';
import { drain, responseWith, streamWith, testAttempt, testExchange, testModel, testRequest, usage } from './limit-test-helpers.js';
import type { SpendAlert } from './spend-alerts.js';
import { createSpendLimitMiddleware, type SpendLimitOptions } from './spend-limit-middleware.js';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
// $1000 per million input tokens and $2000 per million output tokens: one token costs $0.001 or $0.002.
const pricey = testModel({ id: 'test/pricey', inputPricePerMillion: 1000, outputPricePerMillion: 2000 });

function spender(options: Omit<SpendLimitOptions, 'now'>) {
  return createSpendLimitMiddleware({ store: createMemoryCounterStore({ now: () => now }), now: () => now, ...options });
}

// 396 characters plus 4 of overhead are 100 input tokens; max_tokens 100: the worst case is $0.30.
const request = testRequest(396, { max_tokens: 100 });

describe('spend limit middleware', () => {
  it('reserves the worst case before the call and settles the real cost after', async () => {
    const spend = spender({ perKey: { limits: { daily_usd: 1 } } });
    const exchange = testExchange({ apiKeyId: 'k1', request });
    const probe = testExchange({ apiKeyId: 'k1', request: testRequest(396, { max_tokens: 350 }) });
    await spend.wrapCall!(testAttempt(exchange, pricey), async () => {
      // $0.30 reserved: the probe's $0.80 worst case does not fit beside it.
      await expect(spend.wrapCall!(testAttempt(probe, pricey), async () => responseWith(usage(0, 0)))).rejects.toBeInstanceOf(BudgetExceededError);
      return responseWith(usage(100, 50));
    });
    // $0.10 + $0.10 settled; now the $0.80 worst case fits exactly.
    expect(exchange.receipt.limits?.['key.daily_usd']).toEqual({ limit: 1, remaining: 0.8 });
    await spend.wrapCall!(testAttempt(probe, pricey), async () => responseWith(usage(100, 250)));
    expect(probe.receipt.limits?.['key.daily_usd']).toEqual({ limit: 1, remaining: 0.2 });
  });

  it('refuses with a 402 that names the limit and never the prompt', async () => {
    const spend = spender({ global: { limits: { monthly_usd: 0.2 } } });
    const error = await spend.wrapCall!(testAttempt(testExchange({ request }), pricey), async () => responseWith(usage(1, 1))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    const budget = error as BudgetExceededError;
    expect([budget.status, budget.code, budget.limit, budget.limitUsd]).toEqual([402, 'budget_exceeded', 'global.monthly_usd', 0.2]);
    expect(budget.message).toContain('monthly_usd');
    expect(budget.message).not.toContain('xxxx');
  });

  it('enforces per_request_usd across the attempts of one request', async () => {
    const spend = spender({ perTenant: { limits: { per_request_usd: 0.5 } } });
    const exchange = testExchange({ request });
    await spend.wrapCall!(testAttempt(exchange, pricey), async () => responseWith(usage(100, 50)));
    // $0.20 spent; another $0.30 worst case still fits, and then nothing more does.
    await spend.wrapCall!(testAttempt(exchange, pricey), async () => responseWith(usage(100, 100)));
    await expect(spend.wrapCall!(testAttempt(exchange, pricey), async () => responseWith(usage(1, 1)))).rejects.toMatchObject({ limit: 'tenant.per_request_usd' });
  });

  it('releases the reservation of a failed call and settles a stream from its usage chunk', async () => {
    const spend = spender({ global: { limits: { daily_usd: 0.35 } } });
    await expect(spend.wrapCall!(testAttempt(testExchange({ request }), pricey), async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    const streamed = testExchange({ request });
    await drain(await spend.wrapCall!(testAttempt(streamed, pricey), async () => streamWith(usage(100, 25))));
    expect(streamed.receipt.limits?.['global.daily_usd']).toEqual({ limit: 0.35, remaining: 0.2 });
  });

  it('settles a stream the client abandons, from the text it saw', async () => {
    const spend = spender({ global: { limits: { daily_usd: 1 } } });
    const exchange = testExchange({ request });
    const result = await spend.wrapCall!(testAttempt(exchange, pricey), async () => streamWith(undefined, ['abcd', 'efgh', 'ijkl']));
    if (result.type !== 'stream') throw new Error('expected a stream');
    for await (const _chunk of result.stream) break;
    // 100 estimated input tokens ($0.10) and one output token seen ($0.002), not the $0.30 reserved.
    expect(exchange.receipt.limits?.['global.daily_usd']).toEqual({ limit: 1, remaining: 0.898 });
  });

  it('lets the engine fall back to a cheaper candidate when the first would break the budget', async () => {
    const spend = spender({ perKey: { limits: { daily_usd: 0.1 } } });
    const cheap = testModel({ id: 'test/cheap' });
    const exchange = testExchange({ apiKeyId: 'k1', request });
    const called: string[] = [];
    const result = await executeCandidates({
      exchange,
      candidates: [pricey, cheap],
      latency: new LatencyTracker(),
      defaultModel: undefined,
      call: (attempt) => compose([(next) => spend.wrapCall!(attempt, next)], async () => (called.push(attempt.model.id), responseWith(usage(100, 10))))(),
    });
    expect(result.type).toBe('response');
    expect(called).toEqual(['test/cheap']);
    expect(exchange.receipt.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([
      ['test/pricey', 'skipped'],
      ['test/cheap', 'ok'],
    ]);
  });

  it('alerts once per window past the threshold, by webhook and callback', async () => {
    const received: unknown[] = [];
    let resolveFirst!: () => void;
    const first = new Promise<void>((resolve) => (resolveFirst = resolve));
    const server = createServer((incoming, outgoing) => {
      let body = '';
      incoming.on('data', (data: Buffer) => (body += data.toString()));
      incoming.on('end', () => {
        received.push(JSON.parse(body));
        outgoing.end();
        resolveFirst();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const alerts: SpendAlert[] = [];
      const spend = spender({ perKey: { limits: { daily_usd: 1 }, alerts: { threshold_percent: 50, webhook_url: url } }, onAlert: (alert) => alerts.push(alert) });
      for (let index = 0; index < 4; index++) {
        await spend.wrapCall!(testAttempt(testExchange({ apiKeyId: 'k1', request }), pricey), async () => responseWith(usage(100, 50)));
      }
      await first;
      const expected = { type: 'spend_threshold', scope: 'key', id: 'k1', limit: 'daily_usd', limit_usd: 1, spent_usd: 0.6, threshold_percent: 50, window_start: '2026-11-22T00:00:00.000Z' };
      expect(alerts).toEqual([expected]);
      expect(received).toEqual([expected]);
    } finally {
      server.close();
    }
  });

  it('rejects bad policies naming the field', () => {
    expect(() => createSpendLimitMiddleware({ perKey: { limits: { daily_usd: -1 } } })).toThrow(/perKey\.limits\.daily_usd/);
    expect(() => createSpendLimitMiddleware({ global: { limits: {}, alerts: { threshold_percent: 150 } } })).toThrow(/global\.alerts\.threshold_percent/);
  });
});
