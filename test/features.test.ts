import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

type Completion = OpenAI.Chat.Completions.ChatCompletion & { 'x-routekit': Receipt };

/** The mock repeats the user's last message, so a test sees what the provider saw. */
function echo(request: ChatRequest): string {
  const last = request.messages.at(-1)!;
  return `You said: ${typeof last.content === 'string' ? last.content : ''}`;
}

describe.each<Framework>(['express', 'koa'])('features configured on the %s gateway', (framework) => {
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
      spendLimits: { global: { limits: { per_request_usd: 0.5 } } },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('redacts PII before the provider and restores it in the answer', async () => {
    const before = mock.requests.length;
    const completion = (await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'Mail alice@example.com about card 4111 1111 1111 1111' }] })) as Completion;
    const sent = JSON.stringify(mock.requests[before]!.body);
    expect(sent).not.toContain('alice@example.com');
    expect(sent).not.toContain('4111 1111 1111 1111');
    expect(completion.choices[0]!.message.content).toBe('You said: Mail alice@example.com about card 4111 1111 1111 1111');
    expect(completion['x-routekit'].pii?.detected).toMatchObject({ EMAIL: 1 });
    expect(JSON.stringify(completion['x-routekit'])).not.toContain('alice@example.com');
  });

  it('answers a repeated question from the cache without calling the provider', async () => {
    const question = { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'What is the capital of France?' }] };
    const first = (await client.chat.completions.create(question)) as Completion;
    const calls = mock.requests.length;
    const second = (await client.chat.completions.create(question)) as Completion;
    expect(mock.requests.length).toBe(calls);
    expect(second.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
    expect(second['x-routekit'].cache).toMatchObject({ status: 'hit' });
    expect(second['x-routekit'].cache?.saved_usd).toBeCloseTo(first['x-routekit'].cost_usd, 10);

    const paraphrase = (await client.chat.completions.create({ ...question, messages: [{ role: 'user', content: "What's France's capital city?" }] })) as Completion;
    expect(paraphrase['x-routekit'].cache).toMatchObject({ status: 'hit', kind: 'semantic' });
    expect(mock.requests.length).toBe(calls);

    const other = (await client.chat.completions.create({ ...question, messages: [{ role: 'user', content: 'What is the capital of Germany?' }] })) as Completion;
    expect(other.choices[0]!.message.content).toContain('Germany');
    expect(other['x-routekit'].cache?.status).not.toBe('hit');
  });

  it('sends rate limit headers and refuses past the limit with 429 and Retry-After', async () => {
    const { response } = await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', cache: false, messages: [{ role: 'user', content: 'hi' }] } as never).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('12');
    const remaining = Number(response.headers.get('x-ratelimit-remaining-requests'));
    for (let sent = 0; sent < remaining; sent += 1) await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: `hi ${sent}` }] });
    const refused = await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'one more' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number((refused as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('spend limits on the gateway', () => {
  it('refuses a request no model can serve within the per-request limit, with 402', async () => {
    const mock = await startMockUpstream();
    const gateway = await startGateway('express', {
      providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }],
      spendLimits: { global: { limits: { per_request_usd: 0.000001 } } },
    });
    try {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }) });
      expect(response.status).toBe(402);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('budget_exceeded');
      expect(mock.requests).toHaveLength(0);
    } finally {
      await gateway.close();
      await mock.close();
    }
  });
});
