import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

// The Responses API runs through the same engine as chat: PII redaction, the cache, rate and spend
// limits and fallback chains apply to it exactly as they do to chat completions.
type Routed = OpenAI.Responses.Response & { 'x-routekit': Receipt };
const echo = (request: ChatRequest) => `You said: ${String(request.messages.at(-1)!.content)}`;

describe.each<Framework>(['express', 'koa'])('features on the Responses API of the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream({ reply: echo });
    gateway = await startGateway(framework, {
      providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }],
      pii: true,
      cache: true,
      rateLimits: { global: { requestsPerMinute: 12 } },
      resilience: { attempts: { retries: 0 } },
      logger: false,
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('redacts PII before the provider and restores it in the answer, in JSON and in a stream', async () => {
    const before = mock.requests.length;
    const answer = (await client.responses.create({ model: 'openai/gpt-4.1-mini', instructions: 'Card on file: 4111 1111 1111 1111.', input: 'Mail alice@example.com' })) as Routed;
    const sent = JSON.stringify(mock.requests[before]!.body);
    expect(sent).not.toContain('alice@example.com');
    expect(sent).not.toContain('4111 1111 1111 1111');
    expect(answer.output_text).toBe('You said: Mail alice@example.com');
    expect(answer['x-routekit'].pii?.detected).toMatchObject({ EMAIL: 1, CREDIT_CARD: 1 });
    const stream = client.responses.stream({ model: 'openai/gpt-4.1-mini', input: 'Mail bob@example.com' });
    expect((await stream.finalResponse()).output_text).toBe('You said: Mail bob@example.com');
    expect(JSON.stringify(mock.requests.at(-1)!.body)).not.toContain('bob@example.com');
  });

  it('answers a repeated request from the cache without calling the provider', async () => {
    const first = (await client.responses.create({ model: 'openai/gpt-4.1-mini', input: 'What is the capital of France?' })) as Routed;
    const calls = mock.requests.length;
    const second = (await client.responses.create({ model: 'openai/gpt-4.1-mini', input: 'What is the capital of France?' })) as Routed;
    expect(mock.requests.length).toBe(calls);
    expect(second['x-routekit'].cache).toMatchObject({ status: 'hit' });
    expect(second.output_text).toBe(first.output_text);
    expect(second.id).not.toBe(first.id);
  });

  it('falls back along x-fallback-chain when the chosen model fails', async () => {
    mock.failNext({ type: 'status', status: 500 });
    const answer = (await client.responses.create({ model: 'openai/gpt-4.1-mini', input: 'fallback please', 'x-fallback-chain': ['openai/gpt-4.1'] } as OpenAI.Responses.ResponseCreateParamsNonStreaming)) as Routed;
    expect(answer.model).toBe('openai/gpt-4.1');
    expect(answer['x-routekit'].fallback_attempts).toBe(1);
  });

  it('counts against the rate limit with chat, and refuses past it with RateLimitError', async () => {
    let refused: unknown;
    for (let sent = 0; sent < 13 && refused === undefined; sent += 1) {
      refused = await client.responses.create({ model: 'openai/gpt-4.1-mini', input: `hi ${sent}` }).then(() => undefined, (error: unknown) => error);
    }
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe('spend limits on the Responses API', () => {
  it('refuses a request no model can serve within the per-request limit, with 402', async () => {
    const mock = await startMockUpstream();
    const gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], spendLimits: { global: { limits: { per_request_usd: 0.000001 } } }, logger: false });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    try {
      await expect(client.responses.create({ model: 'auto', input: 'hi' })).rejects.toMatchObject({ status: 402 });
      expect(mock.requests).toHaveLength(0);
    } finally {
      await gateway.close();
      await mock.close();
    }
  });
});
