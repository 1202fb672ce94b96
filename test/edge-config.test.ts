import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, Engine, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { routerMiddleware as expressRouter } from '@routekit/express';
import type { RouterConfig } from '@routekit/http';
import { routerMiddleware as koaRouter } from '@routekit/koa';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

// Issue 15, item 14: config is validated strictly at startup, errors name the key and the spelling
// expected, seed 002's names work where they map one to one, and maxAttempts reaches the engine.
const routers = { express: expressRouter, koa: koaRouter };
type Completion = OpenAI.Chat.Completions.ChatCompletion & { 'x-routekit': Receipt };

describe.each<Framework>(['express', 'koa'])('configuration of the %s middleware', (framework) => {
  let mock: MockUpstream;
  const providers = () => [{ id: 'openai', kind: 'openai' as const, baseUrl: mock.url }];
  const start = (config: Record<string, unknown>) => () => routers[framework]({ providers: providers(), ...config } as RouterConfig);

  beforeAll(async () => {
    mock = await startMockUpstream({ reply: (request) => `You said: ${String(request.messages.at(-1)!.content)}` });
  });
  afterAll(async () => {
    await mock.close();
  });

  it.each([
    [{ cache: { similarityTreshold: 0.95 } }, 'cache.similarityTreshold is not an option; did you mean similarityThreshold?'],
    [{ cache: { ttl: 60 } }, 'cache.ttl is not an option; did you mean ttlSeconds?'],
    [{ rateLimit: { global: { requestsPerMinute: 5 } } }, 'rateLimit is not an option; did you mean rateLimits?'],
    [{ rateLimits: { global: { requestPerMinute: 5 } } }, 'rateLimits.global.requestPerMinute is not an option; did you mean requestsPerMinute?'],
    [{ rateLimits: { perTennant: { requestsPerMinute: 5 } } }, 'rateLimits.perTennant is not an option; did you mean perTenant?'],
    [{ spendLimits: { global: { limits: { daily: 5 } } } }, 'spendLimits.global.limits.daily is not an option; did you mean daily_usd?'],
    [{ pii: { action: { EMAIL: 'mask' } } }, 'pii.action is not an option; did you mean actions?'],
    [{ bodyLimit: 1024 }, 'bodyLimit is not an option; did you mean bodyLimitBytes?'],
    [{ max_attempts: 2 }, 'max_attempts is not an option; did you mean maxAttempts?'],
  ])('refuses %j: "%s"', (config, message) => {
    expect(start(config)).toThrow(ConfigurationError);
    expect(start(config)).toThrow(message);
  });

  it('names a misspelled provider key, and the key path in ConfigurationError.key', () => {
    const error = (() => {
      try {
        routers[framework]({ providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url, apikey: 'sk-x' } as never] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).key).toBe('providers[0].apikey');
    expect((error as ConfigurationError).message).toBe('providers[0].apikey is not an option; did you mean apiKey?');
    expect((error as ConfigurationError).message).not.toContain('sk-x');
  });

  it.each([
    [{ cache: { similarityThreshold: 1.5 } }, 'cache.similarityThreshold must be <= 0.99.'],
    [{ maxAttempts: 0 }, 'maxAttempts must be > 0.'],
    [{ pii: { defaultAction: 'hide' } }, 'pii.defaultAction must be one of "redact", "mask", "block".'],
    [{ pii: { types: ['emial'] } }, 'pii.types[0] ("emial") is not a PII type; did you mean EMAIL?'],
    [{ providers: [] }, 'providers is empty'],
    [{ prefix: '/llm/' }, 'prefix must be empty or a path like /llm'],
    [{ cache: false, similarity_threshold: 0.95 }, 'similarity_threshold configures cache, which is also set to false'],
    [{ cache: { ttl_seconds: 60, ttlSeconds: 60 } }, 'cache.ttl_seconds is the same option as cache.ttlSeconds'],
  ])('refuses the value in %j: "%s"', (config, message) => {
    expect(start(config)).toThrow(ConfigurationError);
    expect(start(config)).toThrow(message);
  });

  it('refuses a ready engine beside keys it already has, instead of ignoring them', () => {
    const engine = new Engine({ call: async () => Promise.reject(new Error('not called')) });
    expect(() => routers[framework]({ engine, cache: true })).toThrow('cache cannot be combined with engine');
    expect(() => routers[framework]({ engine, maxAttempts: 2 })).toThrow('maxAttempts cannot be combined with engine');
    expect(() => routers[framework]({ engine, apiKeys: undefined, prefix: '/llm' })).not.toThrow();
  });

  describe('with seed 002 names and lower-case PII types', () => {
    let gateway: RunningGateway;
    let client: OpenAI;

    beforeAll(async () => {
      gateway = await startGateway(framework, {
        providers: providers(),
        // As seed 002 writes them: flat PII keys, snake_case cache keys, lower-case type names.
        pii_detection_enabled: true,
        pii_action: 'redact',
        pii_types: ['email', 'phone', 'ssn', 'credit_card', 'api_key'],
        cache: { cache_enabled: true, similarity_threshold: 0.95, ttl_seconds: 3600, exclude_models: ['openai/gpt-4.1'] },
      } as RouterConfig);
      client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    });
    afterAll(async () => {
      await gateway.close();
    });

    it('redacts the types named in lower case (ssn is US_SSN) before the provider', async () => {
      const before = mock.requests.length;
      const completion = (await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'Mail bo@example.com, SSN 123-45-6789' }] })) as Completion;
      const sent = JSON.stringify(mock.requests[before]!.body);
      expect(sent).not.toContain('bo@example.com');
      expect(sent).not.toContain('123-45-6789');
      expect(completion['x-routekit'].pii?.detected).toMatchObject({ EMAIL: 1, US_SSN: 1 });
    });

    it('caches with the seed-named settings, and never caches the excluded model', async () => {
      const question = { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user' as const, content: `What is the capital of Peru? (${framework})` }] };
      await client.chat.completions.create(question);
      const repeated = (await client.chat.completions.create(question)) as Completion;
      expect(repeated['x-routekit'].cache?.status).toBe('hit');
      const excluded = { ...question, model: 'openai/gpt-4.1' };
      await client.chat.completions.create(excluded);
      const again = (await client.chat.completions.create(excluded)) as Completion;
      expect(again['x-routekit'].cache?.status).not.toBe('hit');
    });
  });

  it('blocks with an action keyed by a lower-case type name', async () => {
    const gateway = await startGateway(framework, { providers: providers(), pii: { actions: { credit_card: 'block' } } });
    try {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'card 4111 1111 1111 1111' }] }) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('pii_blocked');
    } finally {
      await gateway.close();
    }
  });

  it('passes maxAttempts to the engine: with 1, a failing model is not followed by another', async () => {
    const gateway = await startGateway(framework, { providers: providers(), maxAttempts: 1 });
    try {
      const before = mock.requests.length;
      mock.failNext({ type: 'status', status: 503 }, 10);
      const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(response.status).toBeGreaterThanOrEqual(500);
      const models = new Set(mock.requests.slice(before).map((recorded) => (recorded.body as { model: string }).model));
      expect(models.size).toBe(1);
    } finally {
      mock.reset();
      await gateway.close();
    }
  });
});
