import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../chat/chat-request.js';
import { BudgetExceededError, StoreUnavailableError } from '../../errors.js';
import type { CounterStore } from '../../stores/counter-store.js';
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

// 72 bytes of text and 28 of overhead bound the prompt at 100 tokens; max_tokens 100: the worst case is $0.30.
const request = testRequest(72, { max_tokens: 100 });

/** The request as the middleware sent it on, as `next` sees it. */
function sentRequest(attempt: { request: ChatRequest }): ChatRequest {
  return attempt.request;
}

describe('spend limit middleware', () => {
  it('reserves the worst case before the call, shortens a call to what is left, and settles the real cost after', async () => {
    const spend = spender({ perKey: { limits: { daily_usd: 1 } } });
    const exchange = testExchange({ apiKeyId: 'k1', request });
    const probe = testExchange({ apiKeyId: 'k1', request: testRequest(72, { max_tokens: 350 }) });
    await spend.wrapCall!(testAttempt(exchange, pricey), async () => {
      // $0.30 reserved: the probe's $0.80 worst case does not fit beside it, 300 output tokens ($0.70) do.
      const probeAttempt = testAttempt(probe, pricey);
      await spend.wrapCall!(probeAttempt, async () => {
        expect(sentRequest(probeAttempt).max_tokens).toBe(300);
        return responseWith(usage(0, 0));
      });
      expect(probe.receipt.max_tokens_capped_to).toBe(300);
      return responseWith(usage(100, 50));
    });
    // $0.10 + $0.10 settled; now the $0.80 worst case fits exactly and is not shortened.
    expect(exchange.receipt.limits?.['key.daily_usd']).toEqual({ limit: 1, remaining: 0.8 });
    const full = testExchange({ apiKeyId: 'k1', request: testRequest(72, { max_tokens: 350 }) });
    const fullAttempt = testAttempt(full, pricey);
    await spend.wrapCall!(fullAttempt, async () => responseWith(usage(100, 250)));
    expect(sentRequest(fullAttempt).max_tokens).toBe(350);
    expect(full.receipt.max_tokens_capped_to).toBeUndefined();
    expect(full.receipt.limits?.['key.daily_usd']).toEqual({ limit: 1, remaining: 0.2 });
  });

  it("reserves the model's maximum output when the request sets none, and sends that cap upstream", async () => {
    const spend = spender({ global: { limits: { daily_usd: 100 } } });
    const model = testModel({ inputPricePerMillion: 1000, outputPricePerMillion: 1000, maxOutputTokens: 4000 });
    const exchange = testExchange({ request: testRequest(72) });
    const attempt = testAttempt(exchange, model);
    await spend.wrapCall!(attempt, async () => {
      // $0.10 of prompt and 4,000 output tokens at $0.001: $4.10 held while the call runs.
      expect(exchange.receipt.limits).toBeUndefined();
      expect(sentRequest(attempt).max_tokens).toBe(4000);
      return responseWith(usage(90, 10));
    });
    expect(exchange.receipt.limits?.['global.daily_usd']).toEqual({ limit: 100, remaining: 99.9 });
    // OpenAI gets max_completion_tokens, which its reasoning models require.
    const openai = testAttempt(testExchange({ request: testRequest(72) }), testModel({ provider: 'openai', maxOutputTokens: 4000 }));
    await spend.wrapCall!(openai, async () => responseWith(usage(1, 1)));
    expect(sentRequest(openai)).toMatchObject({ max_completion_tokens: 4000 });
    expect(sentRequest(openai).max_tokens).toBeUndefined();
  });

  it('bounds the worst case of one request by per_request_usd, whatever the model could write (regression: $5 let one request cost $10)', async () => {
    const spend = spender({ perTenant: { limits: { per_request_usd: 5 } } });
    // $0.001 an output token, up to 16,384 of them: $16.38 unless capped.
    const model = testModel({ inputPricePerMillion: 1000, outputPricePerMillion: 1000, maxOutputTokens: 16_384 });
    const exchange = testExchange({ request: testRequest(72, { n: 2 }) });
    const attempt = testAttempt(exchange, model);
    await spend.wrapCall!(attempt, async () => responseWith(usage(100, 4900)));
    // Two choices share the $4.90 left after the prompt's $0.10: 2,450 tokens each.
    expect(sentRequest(attempt).max_tokens).toBe(2450);
    expect(exchange.receipt.max_tokens_capped_to).toBe(2450);
  });

  it('refuses with 402 when the budget left cannot pay for a minimal answer', async () => {
    const spend = spender({ global: { limits: { daily_usd: 0.6 } }, minOutputTokens: 200 });
    await spend.wrapCall!(testAttempt(testExchange({ request }), pricey), async () => responseWith(usage(100, 50)));
    // $0.40 left: 150 output tokens would fit beside the prompt, fewer than the 200 asked as a minimum.
    const error = await spend.wrapCall!(testAttempt(testExchange({ request: testRequest(72) }), pricey), async () => responseWith(usage(1, 1))).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 402, code: 'budget_exceeded', limit: 'global.daily_usd' });
    // A request that asks for less than the minimum needs only what it asks for.
    await expect(spend.wrapCall!(testAttempt(testExchange({ request: testRequest(72, { max_tokens: 150 }) }), pricey), async () => responseWith(usage(100, 150)))).resolves.toBeDefined();
  });

  it('counts CJK prompts by their bytes, never fewer tokens than a real tokenizer finds', async () => {
    const store = createMemoryCounterStore({ now: () => now });
    const spend = createSpendLimitMiddleware({ store, now: () => now, global: { limits: { daily_usd: 1 } } });
    // 110 CJK characters are 330 bytes (cl100k finds about 140 tokens); characters / 4 said 28.
    const exchange = testExchange({ request: { model: 'auto', messages: [{ role: 'user', content: '東京の天気は晴れです。'.repeat(10) }], max_tokens: 1 } });
    let held = 0;
    await spend.wrapCall!(testAttempt(exchange, pricey), async () => {
      held = await store.get(`spend:global:*:daily_usd:d${Math.floor(now / 86_400_000)}`);
      return responseWith(usage(140, 1));
    });
    // 330 + 28 prompt tokens at $0.001 and one output token at $0.002 held during the call; the real cost after.
    expect(held).toBe(360_000);
    expect(await store.get(`spend:global:*:daily_usd:d${Math.floor(now / 86_400_000)}`)).toBe(142_000);
  });

  it('fails closed with 503 store_unavailable when the store does not answer, or open when told to', async () => {
    const down: CounterStore = {
      reserve: () => Promise.reject(new StoreUnavailableError('The counter store on Redis is unavailable.', { feature: 'store', retryAfterSeconds: 2 })),
      adjust: () => Promise.reject(new Error('down')),
      get: () => Promise.reject(new Error('down')),
      close: async () => undefined,
    };
    let called = 0;
    const closed = createSpendLimitMiddleware({ store: down, global: { limits: { daily_usd: 1 } } });
    const error = await closed.wrapCall!(testAttempt(testExchange({ request }), pricey), async () => (called++, responseWith(usage(1, 1)))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'store_unavailable', feature: 'spend_limits', retryAfterSeconds: 2 });
    expect(called).toBe(0);
    const open = createSpendLimitMiddleware({ store: down, onStoreFailure: 'open', minOutputTokens: 50, global: { limits: { daily_usd: 1, per_request_usd: 0.25 } } });
    const attempt = testAttempt(testExchange({ request: testRequest(72) }), pricey);
    await open.wrapCall!(attempt, async () => (called++, responseWith(usage(1, 1))));
    expect(called).toBe(1);
    // Per-request limits need no store: they still cap the call ($0.15 of output at $0.002 a token).
    expect(sentRequest(attempt).max_tokens).toBe(75);
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

  it("applies a tenant's override instead of the default, beside the global limit, and names each in the receipt", async () => {
    const spend = spender({ perTenant: { limits: { daily_usd: 10 } }, tenants: { acme: { limits: { daily_usd: 0.5, weekly_usd: 0.4 } } }, global: { limits: { monthly_usd: 100 } }, minOutputTokens: 10 });
    const exchange = testExchange({ tenant: 'acme', request });
    await spend.wrapCall!(testAttempt(exchange, pricey), async () => responseWith(usage(100, 50)));
    // $0.20 spent: the weekly $0.40 is the tightest.
    expect(exchange.receipt.limits).toEqual({
      'tenant.daily_usd': { limit: 0.5, remaining: 0.3 },
      'tenant.weekly_usd': { limit: 0.4, remaining: 0.2 },
      'global.monthly_usd': { limit: 100, remaining: 99.8 },
    });
    // The next $0.30 worst case is cut to the $0.20 left of the week ($0.10 prompt, 50 output tokens); a minimal one does not fit after that.
    const second = testAttempt(testExchange({ tenant: 'acme', request }), pricey);
    await spend.wrapCall!(second, async () => {
      expect(sentRequest(second).max_tokens).toBe(50);
      return responseWith(usage(100, 50));
    });
    await expect(spend.wrapCall!(testAttempt(testExchange({ tenant: 'acme', request }), pricey), async () => responseWith(usage(1, 1)))).rejects.toMatchObject({ limit: 'tenant.weekly_usd' });
    // Another tenant has the default $10 a day.
    await expect(spend.wrapCall!(testAttempt(testExchange({ tenant: 'other', request }), pricey), async () => responseWith(usage(100, 50)))).resolves.toBeDefined();
  });

  it("reads the override tables at each request: a key's policy added after the middleware is built applies from the next request", async () => {
    const keys: Record<string, { limits: { daily_usd: number } }> = Object.create(null);
    const spend = spender({ keys });
    const call = () => spend.wrapCall!(testAttempt(testExchange({ apiKeyId: 'k1', request }), pricey), async () => responseWith(usage(100, 50)));
    // Without a policy nothing is counted or refused.
    for (let index = 0; index < 5; index++) await call();
    keys.k1 = { limits: { daily_usd: 0.5 } };
    // $0.20 a call: two fit in $0.50 (the second cut to what is left), the third does not.
    await call();
    await call();
    await expect(call()).rejects.toMatchObject({ limit: 'key.daily_usd' });
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
    // The prompt's bound of 100 tokens ($0.10) and the 4 bytes seen bound as 4 output tokens ($0.008), not the $0.30 reserved.
    expect(exchange.receipt.limits?.['global.daily_usd']).toEqual({ limit: 1, remaining: 0.892 });
  });

  it('refuses an attempt it cannot afford before calling the model, so the engine can try a cheaper one', async () => {
    const spend = spender({ perKey: { limits: { daily_usd: 0.1 } } });
    const cheap = testModel({ id: 'test/cheap' });
    const exchange = testExchange({ apiKeyId: 'k1', request });
    const called: string[] = [];
    const call = (model: typeof pricey) => spend.wrapCall!(testAttempt(exchange, model), async () => (called.push(model.id), responseWith(usage(100, 10))));
    await expect(call(pricey)).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(call(cheap)).resolves.toMatchObject({ type: 'response' });
    expect(called).toEqual(['test/cheap']);
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
    expect(() => createSpendLimitMiddleware({ global: { limits: {} }, onStoreFailure: 'ajar' as 'open' })).toThrow(/onStoreFailure/);
  });

  it('gives back a reservation whose settle was lost once its hold lapses, a minute after the request deadline', async () => {
    const clock = { time: now };
    const memory = createMemoryCounterStore({ now: () => clock.time });
    // A store that takes reservations but loses every settle, as an outage at the wrong moment does.
    const store: CounterStore = { ...memory, settle: () => Promise.reject(new StoreUnavailableError('down', { feature: 'store' })), adjust: () => Promise.reject(new StoreUnavailableError('down', { feature: 'store' })) };
    const spend = createSpendLimitMiddleware({ store, now: () => clock.time, global: { limits: { daily_usd: 1 } } });
    const exchange = testExchange({ request });
    exchange.receipt.deadline_ms = 30_000;
    await spend.wrapCall!(testAttempt(exchange, pricey), async () => responseWith(usage(100, 50)));
    const key = 'spend:global:*:daily_usd:d' + Math.floor(now / 86_400_000);
    // The $0.30 worst case is still held: the settle never reached the store.
    expect(await memory.get(key)).toBe(300_000);
    clock.time += 85_000;
    expect(await memory.get(key)).toBe(300_000);
    clock.time += 6000;
    expect(await memory.get(key)).toBe(0);
  });
});
