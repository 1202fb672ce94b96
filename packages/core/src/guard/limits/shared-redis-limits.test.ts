import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, RateLimitedError } from '../../errors.js';
import { createExchange } from '../../pipeline/create-exchange.js';
import type { CounterStore } from '../../stores/counter-store.js';
import { createRedisCounterStore } from '../../stores/redis-counter-store.js';
import { windowOf } from './limit-window.js';
import { responseWith, testAttempt, testModel, testRequest, usage } from './limit-test-helpers.js';
import { createRateLimitMiddleware } from './rate-limit-middleware.js';
import { createSpendLimitMiddleware } from './spend-limit-middleware.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `routekit-test:${randomUUID()}:`;
// The shared Redis serves eight busy sessions here: these suites test semantics, not outages (test/redis-outage.test.ts does).
const timeoutMs = 2000;
const stores: CounterStore[] = [];
// A fixed clock keeps all 200 requests in one minute window whenever the test runs.
const now = () => Date.UTC(2026, 10, 22, 12, 0, 30);
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** One gateway instance: its own Redis connection, its own middleware objects. */
function gatewayInstance() {
  const store = createRedisCounterStore({ url, prefix, timeoutMs });
  stores.push(store);
  return {
    rateLimit: createRateLimitMiddleware({ store, global: { requestsPerMinute: 100 }, now }),
    spend: createSpendLimitMiddleware({ store, global: { limits: { daily_usd: 1 } }, now }),
  };
}

afterAll(async () => {
  const admin = new Redis(url);
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
  await Promise.all(stores.map((store) => store.close()));
});

describe('limits shared by two gateway instances through one Redis', () => {
  it('admits exactly 100 of 200 concurrent requests by RPM and never spends past $1', async () => {
    const instances = [gatewayInstance(), gatewayInstance()];
    const observer = createRedisCounterStore({ url, prefix, timeoutMs });
    stores.push(observer);
    const spendKey = `spend:global:*:daily_usd:${windowOf('day', now()).id}`;
    // A prompt bounded at 100 tokens at $100 per million and up to 100 output tokens at $200 per million: $0.03 reserved per call.
    const model = testModel({ inputPricePerMillion: 100, outputPricePerMillion: 200 });
    let spentMicros = 0;
    let highestCounter = 0;

    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const { rateLimit, spend } = instances[index % 2]!;
        await sleep(index % 20);
        const exchange = createExchange({ request: testRequest(72, { max_tokens: 100 }) });
        try {
          await rateLimit.wrapRequest!(exchange, () =>
            spend.wrapCall!(testAttempt(exchange, model), async () => {
              highestCounter = Math.max(highestCounter, await observer.get(spendKey));
              await sleep(1 + (index % 5));
              const completion = 10 + (index % 91);
              spentMicros += 100 * 100 + completion * 200;
              return responseWith(usage(100, completion));
            }),
          );
          return 'ok';
        } catch (error) {
          if (error instanceof RateLimitedError) return 'rate limited';
          if (error instanceof BudgetExceededError) return 'over budget';
          throw error;
        }
      }),
    );

    const count = (outcome: string) => outcomes.filter((item) => item === outcome).length;
    expect(count('rate limited')).toBe(100);
    expect(count('ok') + count('over budget')).toBe(100);
    expect(count('over budget')).toBeGreaterThan(0);
    // At least $1 / $0.03 calls fit whatever the interleaving.
    expect(count('ok')).toBeGreaterThanOrEqual(33);
    expect(highestCounter).toBeLessThanOrEqual(1_000_000);
    expect(spentMicros).toBeLessThanOrEqual(1_000_000);
    // Every reservation was settled to the real cost.
    expect(await observer.get(spendKey)).toBe(spentMicros);
  });
});
