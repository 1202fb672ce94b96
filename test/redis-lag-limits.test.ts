import { randomUUID } from 'node:crypto';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
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

/** A TCP proxy to the real Redis that holds every answer back for `delayMs`: a slow network, not a dead server. */
async function slowProxy(delayMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(url);
  const sockets: Socket[] = [];
  const server: Server = createServer((client) => {
    const redis = new Socket();
    sockets.push(client, redis);
    redis.connect(Number(target.port || 6379), target.hostname);
    client.on('data', (data) => redis.write(data));
    redis.on('data', (data) => void setTimeout(() => client.destroyed || client.write(data), delayMs));
    const close = () => (client.destroy(), redis.destroy());
    client.on('error', close).on('close', close);
    redis.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (sockets.forEach((socket) => socket.destroy()), server.close(() => resolve()))),
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

  it('gives back a reservation Redis made whose answer came after the caller had given up', async () => {
    const proxy = await slowProxy(1500);
    const observer = new Redis(url);
    try {
      // Connected before the test (its ready check is 1.5 s late too), without replays, as the store's own connections are.
      const connection = new Redis(proxy.url, { enableOfflineQueue: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 0 });
      await new Promise((resolve) => connection.once('ready', resolve));
      const store = createRedisCounterStore({ redis: connection, prefix, timeoutMs: 100, log: () => undefined });
      stores.push({ ...store, close: async () => connection.disconnect() });
      const key = `late:${randomUUID()}`;
      await expect(store.reserve([{ key, amount: 700, limit: 1000, ttlMs: 60_000 }])).rejects.toBeInstanceOf(StoreUnavailableError);
      // Redis applied it: the caller's wait (at most 400 ms) was over long before the answer came.
      expect(Number(await observer.get(prefix + key))).toBe(700);
      let total = 700;
      for (let tries = 0; tries < 40 && total !== 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        total = Number((await observer.get(prefix + key)) ?? 0);
      }
      expect(total).toBe(0);
    } finally {
      await observer.quit();
      await proxy.close();
    }
  }, 30_000);
});
