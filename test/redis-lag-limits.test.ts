import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCounterStore, createUpstreamCall, Engine, ModelCatalog, RateLimitedError, StoreUnavailableError, windowOf, type ChatChunk, type CounterStore } from '@routekit/core';
import { startTruthUpstream, type TruthUpstream } from './truth-upstream.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `routekit-test:${randomUUID()}:`;
// A fixed clock keeps every request in one minute and one day window whenever the test runs.
const now = () => Date.UTC(2026, 10, 22, 12, 0, 30);
const model = 'openai/gpt-4.1-mini';

/** What a long synchronous task or a GC pause does to a gateway: nothing else runs meanwhile. */
function blockEventLoop(milliseconds: number): void {
  const until = performance.now() + milliseconds;
  while (performance.now() < until);
}

/**
 * The store the engine uses, blocking the event loop for `lagMs` just after the `at`-th rate-limit
 * reservation and the `at`-th spend reservation went out, so Redis answers them (and the others
 * in flight) while this process cannot read the answers.
 */
function laggingStore(store: CounterStore, at: number, lagMs: number): CounterStore {
  const issued = new Map<string, number>();
  return {
    ...store,
    reserve(reservations, options) {
      const pending = store.reserve(reservations, options);
      const kind = reservations[0]?.key.split(':')[0] ?? '';
      const count = (issued.get(kind) ?? 0) + 1;
      issued.set(kind, count);
      if (count === at) setImmediate(() => blockEventLoop(lagMs));
      return pending;
    },
  };
}

async function drain(stream: AsyncIterable<ChatChunk>): Promise<void> {
  for await (const _chunk of stream);
}

describe('limits on a healthy Redis while the event loop lags', () => {
  let upstream: TruthUpstream;
  const stores: CounterStore[] = [];

  beforeAll(async () => {
    upstream = await startTruthUpstream({ longAnswerTokens: 40, inputPricePerMillion: 0.4, outputPricePerMillion: 1.6, answerText: 'The capital of France is Paris, a city on the Seine.' });
  });
  afterAll(async () => {
    await upstream.close();
    await Promise.all(stores.map((store) => store.close()));
    const admin = new Redis(url);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('answers no 503, admits exactly the rate limit, and leaves the spend counter at what was billed', async () => {
    const lines: string[] = [];
    // The shipped default timeout (250 ms): the point is that a lag longer than it is no outage.
    const redisStore = createRedisCounterStore({ url, prefix, log: (line) => lines.push(line) });
    stores.push(redisStore);
    const engine = new Engine({
      call: createUpstreamCall({ providers: [{ id: 'openai', kind: 'openai', baseUrl: upstream.url }] }),
      catalog: new ModelCatalog({ providers: ['openai'] }),
      store: laggingStore(redisStore, 40, 400),
      rateLimits: { global: { requestsPerMinute: 100 }, now },
      spendLimits: { global: { limits: { daily_usd: 100 } }, now },
    });
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, async (_, index) => {
        const exchange = engine.createExchange({ request: { model, messages: [{ role: 'user', content: `What is the capital of France? (${index})` }], max_tokens: 40, stream: index % 3 === 0 } });
        try {
          const result = await engine.run(exchange);
          if (result.type === 'stream') await drain(result.stream);
          return 'ok';
        } catch (error) {
          if (error instanceof RateLimitedError) return 'rate limited';
          if (error instanceof StoreUnavailableError) return 'store unavailable';
          throw error;
        }
      }),
    );
    const count = (outcome: string) => outcomes.filter((each) => each === outcome).length;
    // Read back on a connection of its own: the store under test may believe Redis is down.
    const observer = new Redis(url);
    const spent = Number((await observer.get(`${prefix}spend:global:*:daily_usd:${windowOf('day', now()).id}`)) ?? 0);
    const admitted = Number((await observer.get(`${prefix}rl:global:*:requests_per_minute:${windowOf('minute', now()).id}`)) ?? 0);
    await observer.quit();
    console.info(`event loop lag on a healthy Redis: ${count('ok')} answered, ${count('rate limited')} rate limited, ${count('store unavailable')} store_unavailable of 300; rpm counter ${admitted}; spend counter ${spent} µ$ for ${upstream.billedMicros} µ$ billed; log: ${JSON.stringify(lines)}`);

    expect(count('store unavailable')).toBe(0);
    expect(count('ok')).toBe(100);
    expect(count('rate limited')).toBe(200);
    expect(admitted).toBe(100);
    expect(upstream.calls).toBe(100);
    expect(spent).toBe(upstream.billedMicros);
    expect(lines).toEqual([]);
  }, 60_000);
});
