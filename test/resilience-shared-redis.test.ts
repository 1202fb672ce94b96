import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBreakerStore, type BreakerStore } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { chat, startResilienceGateway, type ResilienceGateway } from './resilience-gateway.js';

const messages = [{ role: 'user', content: 'hi' }];
const model = 'openai/gpt-4.1-mini';
const healthyModel = 'mistral/mistral-small-latest';

/** A client with the short timeouts the breaker store needs, connected before the test starts. */
async function connectedClient(url: string): Promise<Redis> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 200, lazyConnect: true, retryStrategy: () => 50 });
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

async function twoGateways(flaky: MockUpstream, healthy: MockUpstream, stores: BreakerStore[]): Promise<ResilienceGateway[]> {
  const providers = [
    { id: 'openai', kind: 'openai' as const, baseUrl: flaky.url },
    { id: 'mistral', kind: 'openai' as const, baseUrl: healthy.url },
  ];
  return Promise.all(
    stores.map((store) =>
      startResilienceGateway(providers, { resilience: { attempts: { retries: 0 }, circuitBreaker: { minimumCalls: 3, openMs: 60_000, refreshMs: 0 }, breakerStore: store } }),
    ),
  );
}

async function circuitOf(gateway: ResilienceGateway, id: string): Promise<string> {
  const list = (await (await fetch(`${gateway.url}/v1/models`)).json()) as { data: Array<{ id: string; 'x-routekit': { health?: { circuit: string } } }> };
  return list.data.find((entry) => entry.id === id)!['x-routekit'].health!.circuit;
}

describe('breaker state shared by two instances on Redis', () => {
  let flaky: MockUpstream;
  let healthy: MockUpstream;
  const prefix = `routekit-test:breaker-e2e:${randomUUID()}:`;
  const clients: Redis[] = [];
  let gateways: ResilienceGateway[] = [];

  beforeAll(async () => {
    flaky = await startMockUpstream();
    healthy = await startMockUpstream();
  });
  afterEach(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    gateways = [];
  });
  afterAll(async () => {
    // The shared Redis: only this run's keys go, never a flush.
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    for (const client of clients) client.disconnect();
    await Promise.all([flaky.close(), healthy.close()]);
  });

  it('an endpoint one instance opened is skipped by the other without a call', async () => {
    const stores = await Promise.all(
      [0, 1].map(async () => {
        const redis = await connectedClient('redis://127.0.0.1:6379');
        clients.push(redis);
        return createRedisBreakerStore({ redis, prefix, log: () => {} });
      }),
    );
    gateways = await twoGateways(flaky, healthy, stores);
    const [first, second] = gateways as [ResilienceGateway, ResilienceGateway];
    flaky.failNext({ type: 'status', status: 500 }, 3);
    for (let request = 0; request < 3; request += 1) await chat(first.url, { model, messages, 'x-fallback-chain': [healthyModel] });
    expect(flaky.requests).toHaveLength(3);
    // The second instance re-reads the shared state for GET /v1/models and before it routes.
    expect(await circuitOf(second, model)).toBe('open');
    const answer = await chat(second.url, { model, messages, 'x-fallback-chain': [healthyModel] });
    expect(answer.body['x-routekit']!.winner).toBe(healthyModel);
    expect(answer.body['x-routekit']!.candidates).toContainEqual(expect.objectContaining({ model, rejected_because: 'circuit_open' }));
    expect((await chat(second.url, { model, messages })).status).toBe(503);
    expect(flaky.requests).toHaveLength(3);
  });
});

describe('a Redis outage in the middle of a run', () => {
  let flaky: MockUpstream;
  let healthy: MockUpstream;
  let redisProcess: ChildProcess | undefined;
  let port = 0;
  const clients: Redis[] = [];
  let gateways: ResilienceGateway[] = [];

  async function startRedis(): Promise<void> {
    redisProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let tries = 0; tries < 100; tries += 1) {
      const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error('the test redis-server did not start');
  }

  beforeAll(async () => {
    port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    await startRedis();
    flaky = await startMockUpstream();
    healthy = await startMockUpstream();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    for (const client of clients) client.disconnect();
    redisProcess?.kill('SIGKILL');
    await Promise.all([flaky.close(), healthy.close()]);
  });

  it('keeps serving on local state, logs the outage once per instance, and shares state again once Redis is back', async () => {
    const logs: string[][] = [[], []];
    const stores = await Promise.all(
      [0, 1].map(async (index) => {
        const redis = await connectedClient(`redis://127.0.0.1:${port}`);
        clients.push(redis);
        return createRedisBreakerStore({ redis, prefix: 'outage:', retryAfterFailureMs: 100, log: (message) => logs[index]!.push(message) });
      }),
    );
    gateways = await twoGateways(flaky, healthy, stores);
    const [first, second] = gateways as [ResilienceGateway, ResilienceGateway];
    flaky.failNext({ type: 'status', status: 500 }, 3);
    for (let request = 0; request < 3; request += 1) await chat(first.url, { model, messages, 'x-fallback-chain': [healthyModel] });
    expect((await chat(second.url, { model, messages })).status).toBe(503);
    expect(await circuitOf(second, model)).toBe('open');

    redisProcess!.kill('SIGKILL');
    await new Promise((resolve) => redisProcess!.once('exit', resolve));
    flaky.reset();
    const statuses: number[] = [];
    for (let request = 0; request < 10; request += 1) {
      for (const gateway of gateways) statuses.push((await chat(gateway.url, { model, messages, 'x-fallback-chain': [healthyModel] })).status);
    }
    // Traffic goes on: the first instance still knows the circuit it opened; the second, on its own state, tries the model again.
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await circuitOf(first, model)).toBe('open');
    expect(flaky.requests.length).toBeGreaterThan(0);
    for (const lines of logs) expect(lines.filter((line) => line.includes('unreachable'))).toHaveLength(1);
    expect(logs.flat().join('\n')).not.toMatch(/127\.0\.0\.1|redis:\/\//);

    await startRedis();
    for (let tries = 0; tries < 100 && !logs[1]!.some((line) => line.includes('reachable again')); tries += 1) {
      await chat(second.url, { model: healthyModel, messages });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(logs[1]!.filter((line) => line.includes('reachable again'))).toHaveLength(1);
  });
});
