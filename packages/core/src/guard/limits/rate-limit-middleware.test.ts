import { describe, expect, it } from 'vitest';
import { InvalidRequestError, RateLimitedError, StoreUnavailableError } from '../../errors.js';
import type { CounterStore } from '../../stores/counter-store.js';
import { createMemoryCounterStore } from '../../stores/memory-counter-store.js';
import { drain, responseWith, streamWith, testExchange, testRequest, usage } from './limit-test-helpers.js';
import { createRateLimitMiddleware, type RateLimitOptions } from './rate-limit-middleware.js';

// 15 s into a minute, so reset headers are predictable.
const start = Date.UTC(2026, 10, 22, 12, 0, 15);

function limiter(options: Omit<RateLimitOptions, 'now'>, clock = { time: start }) {
  return createRateLimitMiddleware({ store: createMemoryCounterStore({ now: () => clock.time }), now: () => clock.time, ...options });
}

describe('rate limit middleware', () => {
  it('admits up to the RPM limit per key, then refuses with 429 and Retry-After', async () => {
    const rateLimit = limiter({ perKey: { requestsPerMinute: 2 } });
    for (let index = 0; index < 2; index++) await rateLimit.wrapRequest!(testExchange({ apiKeyId: 'k1' }), async () => responseWith(usage(1, 1)));
    const refused = testExchange({ apiKeyId: 'k1' });
    const error = await rateLimit.wrapRequest!(refused, async () => responseWith(usage(1, 1))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', limit: 'key.requests_per_minute', retryAfterSeconds: 45 });
    expect(refused.responseHeaders).toMatchObject({ 'x-ratelimit-remaining-requests': '0', 'X-RateLimit-Remaining': '0' });
    // Another key has its own budget.
    await expect(rateLimit.wrapRequest!(testExchange({ apiKeyId: 'k2' }), async () => responseWith(usage(1, 1)))).resolves.toBeDefined();
  });

  it("sets OpenAI's rate-limit headers and the plain X-RateLimit ones", async () => {
    const rateLimit = limiter({ perKey: { requestsPerMinute: 100, tokensPerMinute: 10_000, requestsPerDay: 1000 } });
    const exchange = testExchange({ apiKeyId: 'k1', request: testRequest(396, { max_tokens: 100 }) });
    await rateLimit.wrapRequest!(exchange, async () => responseWith(usage(100, 20)));
    expect(exchange.responseHeaders).toEqual({
      'x-ratelimit-limit-requests': '100',
      'x-ratelimit-remaining-requests': '99',
      'x-ratelimit-reset-requests': '45s',
      'X-RateLimit-Limit': '100',
      'X-RateLimit-Remaining': '99',
      // The end of the minute window (12:01:00), as a Unix time in seconds.
      'X-RateLimit-Reset': String(Date.UTC(2026, 10, 22, 12, 1, 0) / 1000),
      'x-ratelimit-limit-tokens': '10000',
      // 400 characters are 100 tokens, plus max_tokens 100.
      'x-ratelimit-remaining-tokens': '9800',
      'x-ratelimit-reset-tokens': '45s',
    });
    expect(exchange.receipt.limits).toMatchObject({ 'key.requests_per_minute': { limit: 100, remaining: 99 }, 'key.tokens_per_minute': { limit: 10_000, remaining: 9800 } });
  });

  it('corrects the TPM reservation with the real usage, streamed or not', async () => {
    const rateLimit = limiter({ global: { tokensPerMinute: 1000 } });
    await rateLimit.wrapRequest!(testExchange({ request: testRequest(396, { max_tokens: 100 }) }), async () => responseWith(usage(100, 20)));
    const streamed = await rateLimit.wrapRequest!(testExchange({ request: testRequest(396, { max_tokens: 100 }) }), async () => streamWith(usage(100, 30)));
    await drain(streamed);
    const probe = testExchange({ request: testRequest(396, { max_tokens: 100 }) });
    await rateLimit.wrapRequest!(probe, async () => responseWith(usage(100, 100)));
    // 120 and 130 settled, 200 reserved by the probe itself.
    expect(probe.responseHeaders['x-ratelimit-remaining-tokens']).toBe(String(1000 - 120 - 130 - 200));
  });

  it('refuses a request whose token estimate does not fit and gives failed requests their tokens back', async () => {
    const rateLimit = limiter({ global: { tokensPerMinute: 300 } });
    await expect(rateLimit.wrapRequest!(testExchange({ request: testRequest(396, { max_tokens: 100 }) }), async () => Promise.reject(new Error('upstream down')))).rejects.toThrow('upstream down');
    await rateLimit.wrapRequest!(testExchange({ request: testRequest(396, { max_tokens: 100 }) }), async () => responseWith(usage(100, 100)));
    const error = await rateLimit.wrapRequest!(testExchange({ request: testRequest(396, { max_tokens: 100 }) }), async () => responseWith(usage(1, 1))).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ limit: 'global.tokens_per_minute' });
  });

  it('counts per tenant and per day, and opens a new window when the minute turns', async () => {
    const clock = { time: start };
    const rateLimit = limiter({ perTenant: { requestsPerMinute: 1, requestsPerDay: 2 } }, clock);
    await rateLimit.wrapRequest!(testExchange({ tenant: 'acme' }), async () => responseWith(usage(1, 1)));
    await expect(rateLimit.wrapRequest!(testExchange({ tenant: 'acme' }), async () => responseWith(usage(1, 1)))).rejects.toMatchObject({ limit: 'tenant.requests_per_minute' });
    await rateLimit.wrapRequest!(testExchange({ tenant: 'other' }), async () => responseWith(usage(1, 1)));
    clock.time += 60_000;
    await rateLimit.wrapRequest!(testExchange({ tenant: 'acme' }), async () => responseWith(usage(1, 1)));
    clock.time += 60_000;
    await expect(rateLimit.wrapRequest!(testExchange({ tenant: 'acme' }), async () => responseWith(usage(1, 1)))).rejects.toMatchObject({ limit: 'tenant.requests_per_day' });
  });

  it('skips per-key limits for requests without a key', async () => {
    const rateLimit = limiter({ perKey: { requestsPerMinute: 0 } });
    await expect(rateLimit.wrapRequest!(testExchange(), async () => responseWith(usage(1, 1)))).resolves.toBeDefined();
  });

  it('rejects bad options naming the field', () => {
    expect(() => createRateLimitMiddleware({ perKey: { requestsPerMinute: -1 } })).toThrow(InvalidRequestError);
    expect(() => createRateLimitMiddleware({ perKey: { requestsPerMinute: -1 } })).toThrow(/perKey\.requestsPerMinute/);
  });

  it('fails open when the store does not answer, or closed with 503 store_unavailable when configured so', async () => {
    const down: CounterStore = {
      reserve: () => Promise.reject(new StoreUnavailableError('The counter store on Redis is unavailable.', { feature: 'store', retryAfterSeconds: 3 })),
      adjust: () => Promise.reject(new Error('down')),
      get: () => Promise.reject(new Error('down')),
      close: async () => undefined,
    };
    let called = 0;
    const open = createRateLimitMiddleware({ store: down, global: { requestsPerMinute: 1 } });
    await open.wrapRequest!(testExchange(), async () => (called++, responseWith(usage(1, 1))));
    await open.wrapRequest!(testExchange(), async () => (called++, responseWith(usage(1, 1))));
    expect(called).toBe(2);
    const closed = createRateLimitMiddleware({ store: down, onStoreFailure: 'closed', global: { requestsPerMinute: 1 } });
    const error = await closed.wrapRequest!(testExchange(), async () => (called++, responseWith(usage(1, 1)))).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503, code: 'store_unavailable', feature: 'rate_limits', retryAfterSeconds: 3 });
    expect(called).toBe(2);
  });

  it('counts a CJK prompt toward tokens per minute by its bytes, not at a quarter of its tokens', async () => {
    const rateLimit = limiter({ global: { tokensPerMinute: 1000 } });
    const exchange = testExchange({ request: { model: 'auto', messages: [{ role: 'user', content: '東'.repeat(100) }], max_tokens: 10 } });
    await rateLimit.wrapRequest!(exchange, async () => {
      // 300 bytes weigh 480 characters, plus 4 of overhead: 121 tokens, and max_tokens 10 (characters / 4 said 26).
      expect(exchange.responseHeaders['x-ratelimit-remaining-tokens']).toBe('869');
      return responseWith(usage(110, 10));
    });
  });
});

describe('limits keyed by tenant and key id', () => {
  it('never reads a rule from the prototype: a tenant or key named after an Object property gets the default', async () => {
    for (const name of [...Object.getOwnPropertyNames(Object.prototype), '__proto__']) {
      const rateLimit = limiter({ perTenant: { requestsPerMinute: 1 }, tenants: { acme: { requestsPerMinute: 5 } }, keys: { k1: { requestsPerMinute: 5 } }, perKey: { requestsPerMinute: 1 } });
      const exchange = testExchange({ tenant: name, apiKeyId: name });
      await expect(rateLimit.wrapRequest!(exchange, async () => responseWith(usage(1, 1))), name).resolves.toBeDefined();
      // The second request breaks the per-tenant and per-key default of 1, not an inherited "rule".
      await expect(rateLimit.wrapRequest!(testExchange({ tenant: name, apiKeyId: name }), async () => responseWith(usage(1, 1))), name).rejects.toBeInstanceOf(RateLimitedError);
    }
  });
  it('applies an override by key id or tenant instead of the default, and names each limit by its scope', async () => {
    const rateLimit = limiter({ perKey: { requestsPerMinute: 1 }, keys: { k1: { requestsPerMinute: 3 } }, perTenant: { requestsPerMinute: 100 }, tenants: { acme: { requestsPerMinute: 2 } }, global: { requestsPerMinute: 50 } });
    const first = testExchange({ tenant: 'acme', apiKeyId: 'k1' });
    await rateLimit.wrapRequest!(first, async () => responseWith(usage(1, 1)));
    expect(first.receipt.limits).toEqual({
      'key.requests_per_minute': { limit: 3, remaining: 2 },
      'tenant.requests_per_minute': { limit: 2, remaining: 1 },
      'global.requests_per_minute': { limit: 50, remaining: 49 },
    });
    await rateLimit.wrapRequest!(testExchange({ tenant: 'acme', apiKeyId: 'k1' }), async () => responseWith(usage(1, 1)));
    // acme's override (2) is reached before k1's (3).
    await expect(rateLimit.wrapRequest!(testExchange({ tenant: 'acme', apiKeyId: 'k1' }), async () => responseWith(usage(1, 1)))).rejects.toMatchObject({ limit: 'tenant.requests_per_minute' });
    // Another key and tenant get the defaults: one request per key.
    await rateLimit.wrapRequest!(testExchange({ tenant: 'other', apiKeyId: 'k2' }), async () => responseWith(usage(1, 1)));
    await expect(rateLimit.wrapRequest!(testExchange({ tenant: 'other', apiKeyId: 'k2' }), async () => responseWith(usage(1, 1)))).rejects.toMatchObject({ limit: 'key.requests_per_minute' });
  });

  it("reads the override tables at each request: a key's rule added, replaced or removed after the middleware is built applies from the next request", async () => {
    // How the durable API keys' limits work (createKeyLimits fills `keys` as keys authenticate).
    const keys: Record<string, { requestsPerMinute: number }> = Object.create(null);
    const rateLimit = limiter({ keys, perKey: { requestsPerMinute: 100 } });
    const ask = () => rateLimit.wrapRequest!(testExchange({ apiKeyId: 'k1' }), async () => responseWith(usage(1, 1)));
    await ask();
    keys.k1 = { requestsPerMinute: 2 };
    await ask();
    await expect(ask()).rejects.toMatchObject({ limit: 'key.requests_per_minute' });
    // Replaced by a rule object of its own: two requests counted so far (a refused one is not), two more fit.
    keys.k1 = { requestsPerMinute: 4 };
    await ask();
    await ask();
    await expect(ask()).rejects.toBeInstanceOf(RateLimitedError);
    delete keys.k1;
    await expect(ask()).resolves.toBeDefined();
  });

  it('answers without waiting for the token correction, which still lands', async () => {
    const memory = createMemoryCounterStore({ now: () => start });
    const corrections: Array<() => void> = [];
    // A store whose adjust (the TPM correction) answers only when the test says so, as a slow Redis would.
    const slowAdjust: CounterStore = { ...memory, adjust: (key, delta, ttlMs) => new Promise((resolve) => corrections.push(() => void memory.adjust(key, delta, ttlMs).then(resolve))) };
    const rateLimit = createRateLimitMiddleware({ store: slowAdjust, now: () => start, global: { tokensPerMinute: 100_000 } });
    const exchange = testExchange({ request: testRequest(396, { max_tokens: 100 }) });
    const result = await rateLimit.wrapRequest!(exchange, async () => responseWith(usage(100, 20)));
    expect(result.type).toBe('response');
    expect(corrections).toHaveLength(1);
    // The estimate (100 prompt + 100 output tokens) stays counted until the correction to the real 120 lands.
    corrections[0]!();
    await new Promise((resolve) => setImmediate(resolve));
    const next = testExchange({ request: testRequest(396, { max_tokens: 100 }) });
    await rateLimit.wrapRequest!(next, async () => responseWith(usage(100, 20)));
    expect(next.responseHeaders['x-ratelimit-remaining-tokens']).toBe(String(100_000 - 120 - 200));
  });
});
