import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { type Framework, mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

// Issue 15, item 18 (API surface): the gateway answers every /v1 path in OpenAI's JSON shape, and
// serves GET /v1/models/{id} as OpenAI does.
type ErrorBody = { error: { message: string; type: string; code: string; param: string | null; request_id: string } };

describe.each<Framework>(['express', 'koa'])('the OpenAI API surface of the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, { providers: mockProviders(mock) });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it.each(['/v1/audio/speech', '/v1/chat/completion', '/v1/', '/v1/<script>alert(1)</script>'])('answers an unknown path %s with a JSON 404 in OpenAI shape', async (path) => {
    const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: 'not_found_error', code: 'unknown_url' });
    expect(body.error.message).toContain('POST /v1/chat/completions');
    expect(JSON.stringify(body)).not.toContain('<script>');
  });

  it('is a NotFoundError for the official client', async () => {
    await expect(client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(((await response.json()) as ErrorBody).error.code).toBe('method_not_allowed');
  });

  it('retrieves one model with the official client, as listed', async () => {
    const listed = (await client.models.list()).data.find((model) => model.id === 'openai/gpt-4.1-mini')!;
    // The client percent-encodes the id's slash; curl users write it plainly: both work.
    const retrieved = await client.models.retrieve('openai/gpt-4.1-mini');
    expect(retrieved).toEqual(listed);
    const plain = (await (await fetch(`${gateway.url}/v1/models/openai/gpt-4.1-mini`)).json()) as { id: string };
    expect(plain).toEqual(listed);
    expect((await client.models.retrieve('auto')).id).toBe('auto');
    expect((await client.models.retrieve('anthropic/claude-haiku-4-5')).owned_by).toBe('anthropic');
  });

  it('answers a model it does not route with 404 model_not_found', async () => {
    const missing = await client.models.retrieve('google/gemini-2.5-pro').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ code: 'model_not_found' });
  });

  it('leaves paths outside /v1 to the app', async () => {
    expect(await (await fetch(`${gateway.url}/health`)).json()).toEqual({ app: framework });
    expect((await fetch(`${gateway.url}/v1x/models`)).status).toBe(404);
  });
});

describe.each<Framework>(['express', 'koa'])('rate limit headers on the %s gateway', (framework) => {
  // Seed 002's `X-RateLimit-Reset: 1704067260` is a Unix time.
  it('sends X-RateLimit-Reset as a Unix timestamp in seconds, as seed 002 shows', async () => {
    const mock = await startMockUpstream();
    const gateway = await startGateway(framework, { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], rateLimits: { global: { requestsPerMinute: 100 } } });
    try {
      const before = Math.floor(Date.now() / 1000);
      const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(response.status).toBe(200);
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      expect(Number.isInteger(reset)).toBe(true);
      // The end of the current minute window: after now, at most a minute away.
      expect(reset).toBeGreaterThan(before);
      expect(reset).toBeLessThanOrEqual(before + 61);
      expect(response.headers.get('x-ratelimit-limit')).toBe('100');
    } finally {
      await gateway.close();
      await mock.close();
    }
  });
});
