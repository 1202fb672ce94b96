import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

// Issue 15, item 13: `app.use(routerMiddleware())`, the design's own usage line, works with no
// argument: providers from the environment as `npm start` reads them, else a labelled demo mode.
const providerVariables = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY', 'TOGETHER_API_KEY', 'ROUTEKIT_LOCAL_BASE_URL', 'ROUTEKIT_LOCAL_MODELS', 'ROUTEKIT_DEFAULT_MODEL'];
const frameworks: Framework[] = ['express', 'koa'];

function clearProviderEnvironment(): void {
  for (const variable of providerVariables) vi.stubEnv(variable, '');
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('routerMiddleware() with providers in the environment', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(async () => {
    await mock.close();
  });

  it.each(frameworks)('routes to the local server named by ROUTEKIT_LOCAL_BASE_URL on %s, without a demo warning', async (framework) => {
    clearProviderEnvironment();
    vi.stubEnv('ROUTEKIT_LOCAL_BASE_URL', mock.url);
    vi.stubEnv('ROUTEKIT_LOCAL_MODELS', 'llama3.1:8b');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const gateway = await startGateway(framework);
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const before = mock.requests.length;
      const completion = await client.chat.completions.create({ model: 'local/llama3.1:8b', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.model).toBe('local/llama3.1:8b');
      expect((mock.requests[before]!.body as { model: string }).model).toBe('llama3.1:8b');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      await gateway.close();
    }
  });
});

describe('routerMiddleware() with no provider anywhere', () => {
  const gateways: RunningGateway[] = [];
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
  });

  it('runs the demo on the built-in mock upstream for Express and Koa, with one clear warning', async () => {
    clearProviderEnvironment();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const framework of frameworks) {
      const gateway = await startGateway(framework);
      gateways.push(gateway);
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
      expect(completion.choices[0]!.message.content).toMatch(/\S/);
      expect((completion as unknown as { 'x-routekit': Receipt })['x-routekit'].status).toBe('ok');
      const ids = (await client.models.list()).data.map((model) => model.id);
      expect(ids).toContain('anthropic/claude-haiku-4-5');
      expect(ids).toContain('openai/gpt-4.1-mini');
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/^routekit: DEMO MODE: no provider is configured.*OPENAI_API_KEY/);
  });

  it('still validates the config it is given at once', async () => {
    const { routerMiddleware } = await import('@routekit/express');
    expect(() => routerMiddleware({ cache: { ttl_second: 5 } } as never)).toThrow('cache.ttl_second is not an option; did you mean ttlSeconds?');
  });
});
