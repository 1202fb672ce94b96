import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { openSharedStores, validateRouterConfig, type SharedStores } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const opened: SharedStores[] = [];
const open = (fromFile: unknown, environment: NodeJS.ProcessEnv = {}) => {
  const shared = openSharedStores(fromFile, environment);
  if (shared) opened.push(shared);
  return shared;
};

afterAll(async () => {
  await Promise.all(opened.map((shared) => shared.close()));
});

describe('the shared stores from ROUTEKIT_REDIS_URL or the config file', () => {
  it('are off without either, and a bad value is an error naming where it came from', () => {
    expect(open(undefined, {})).toBeUndefined();
    expect(() => open('http://127.0.0.1:6379')).toThrow(/redis must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => open({ url, prefx: 'a:' })).toThrow(ConfigurationError);
    expect(() => open({ url, prefx: 'a:' })).toThrow(/prefx/);
    expect(() => open(undefined, { ROUTEKIT_REDIS_URL: '127.0.0.1:6379' })).toThrow(/ROUTEKIT_REDIS_URL must be a redis:\/\//);
    expect(open(undefined, { ROUTEKIT_REDIS_URL: 'redis://user:secret@127.0.0.1:6379' })!.where).toBe('redis://user:***@127.0.0.1:6379');
  });

  it('fill in the store of every feature the config turns on, and keep a store the config names itself', () => {
    const shared = open({ url, prefix: `routekit-test:${randomUUID()}:` })!;
    const config = shared.apply(validateRouterConfig({ rateLimits: { global: { requestsPerMinute: 100 } }, cache: true }));
    expect(config.store).toBe(shared.counters);
    expect(typeof config.resilience?.breakerStore?.admit).toBe('function');
    expect(config.cache).toMatchObject({ shared: expect.objectContaining({ get: expect.any(Function) }), feed: expect.objectContaining({ publish: expect.any(Function) }) });
    // Nothing configured: only the breakers, which are on by default.
    const plain = shared.apply(validateRouterConfig({}));
    expect(plain.store).toBeUndefined();
    expect(plain.cache).toBeUndefined();
    expect(plain.resilience?.breakerStore).toBeDefined();
    expect(shared.apply(validateRouterConfig({ resilience: { circuitBreaker: false } })).resilience?.breakerStore).toBeUndefined();
    const own = config.store!;
    const other = open({ url })!;
    expect(other.apply(validateRouterConfig({ spendLimits: { global: { limits: { daily_usd: 1 } } }, store: own })).store).toBe(own);
    // The result is a valid config.
    expect(() => validateRouterConfig(config)).not.toThrow();
  });

  it('share the failed-key lockout: static apiKeys get it, and two gateways on one Redis count failures together', async () => {
    const prefix = `routekit-test:${randomUUID()}:`;
    const [first, second] = [open({ url, prefix })!, open({ url, prefix })!];
    const keyed = first.apply(validateRouterConfig({ apiKeys: [{ id: 'app', hash: 'a'.repeat(64), tenant: 'acme' }] }));
    expect(keyed.apiKeyLockout).toBe(first.lockout);
    expect(() => validateRouterConfig(keyed)).not.toThrow();
    expect(first.apply(validateRouterConfig({})).apiKeyLockout).toBeUndefined();
    const now = Date.now();
    for (let failure = 0; failure < 9; failure += 1) await (failure % 2 === 0 ? first : second).lockout.recordFailure('address:198.51.100.4', now);
    expect(await first.lockout.lockedFor('address:198.51.100.4', now)).toBeNull();
    expect(await second.lockout.recordFailure('address:198.51.100.4', now)).toBe(900);
    expect(await first.lockout.lockedFor('address:198.51.100.4', now)).toBe(900);
  });
});

describe('/ready and /health with a shared Redis', () => {
  let upstream: MockUpstream;
  const gateways: RunningGateway[] = [];
  beforeAll(async () => {
    upstream = await startMockUpstream();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await upstream.close();
  });

  async function gatewayOn(redisUrl: string) {
    const shared = open({ url: redisUrl, prefix: `routekit-test:${randomUUID()}:` })!;
    const config = shared.apply(validateRouterConfig({ providers: [{ id: 'openai', kind: 'openai', baseUrl: upstream.url, apiKey: 'test' }], cache: true, health: true, readiness: [shared.readiness] }));
    const gateway = await startGateway('express', config);
    gateways.push(gateway);
    return gateway;
  }

  it('/ready is 503 naming Redis while it is unreachable; /health stays 200 and requests are still served', async () => {
    // Nothing listens on port 1.
    const gateway = await gatewayOn('redis://127.0.0.1:1');
    const ready = await fetch(`${gateway.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'redis unreachable' });
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(answer.choices[0]!.message.content).toContain('Mock answer');
  });

  it('/ready is 200 while Redis answers', async () => {
    const gateway = await gatewayOn(url);
    const ready = await fetch(`${gateway.url}/ready`);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
