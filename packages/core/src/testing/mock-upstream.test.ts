import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './index.js';

// The mock is only useful if real clients accept its wire format: this drives it with the official one.
let upstream: MockUpstream;
let client: OpenAI;
beforeAll(async () => {
  upstream = await startMockUpstream({ apiKey: 'sk-test', failures: { 'always-down': { type: 'status', status: 503 } } });
  client = new OpenAI({ baseURL: upstream.url, apiKey: 'sk-test', maxRetries: 0, timeout: 5000 });
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const messages = [{ role: 'user' as const, content: 'What is the weather in Paris today?' }];
const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

describe('startMockUpstream with the official openai client', () => {
  it('answers a chat completion with usage', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
    expect(completion.choices[0]!.message.content).toBe('Mock answer from gpt-4.1-mini.');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toEqual({ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 });
    expect(upstream.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'gpt-4.1-mini', messages }, aborted: false });
  });

  it('streams chunks and the usage-only chunk when include_usage is set', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Mock answer from gpt-4.1.');
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } });
    const plain = await client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true });
    for await (const chunk of plain) expect(chunk.usage).toBeUndefined();
  });

  it('calls tools in JSON and in streamed deltas the client assembles', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages, tools });
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{}' } }] } });

    const custom = await startMockUpstream({ reply: () => ({ content: 'Checking.', tool_calls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' }] }) });
    try {
      const streaming = new OpenAI({ baseURL: custom.url, apiKey: 'x', maxRetries: 0 }).chat.completions.stream({ model: 'gpt-4.1-mini', messages, tools });
      const final = await streaming.finalChatCompletion();
      expect(final.choices[0]!.message.content).toBe('Checking.');
      expect(final.choices[0]!.message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_mock_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }]);
    } finally {
      await custom.close();
    }

    const answered = await client.chat.completions.create({
      model: 'gpt-4.1-mini',
      tools,
      messages: [...messages, completion.choices[0]!.message, { role: 'tool', tool_call_id: completion.choices[0]!.message.tool_calls![0]!.id, content: '18C' }],
    });
    expect(answered.choices[0]!.message.content).toBe('Mock answer from gpt-4.1-mini.');
    const declined = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages, tools, tool_choice: 'none' });
    expect(declined.choices[0]!.message.tool_calls).toBeUndefined();
  });

  it('lists models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toContain('gpt-4.1-mini');
  });

  it('makes the client throw APIErrors with the right status', async () => {
    upstream.failNext({ type: 'status', status: 429, retryAfterSeconds: 2 });
    const limited = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('2');
    expect((limited as InstanceType<typeof OpenAI.APIError>).code).toBe('rate_limit_exceeded');

    await expect(client.chat.completions.create({ model: 'always-down', messages })).rejects.toMatchObject({ status: 503 });
    await expect(client.chat.completions.create({ model: 'always-down', messages })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(new OpenAI({ baseURL: upstream.url, apiKey: 'wrong', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4.1-mini', messages })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.chat.completions.create({ model: 'gpt-4.1-mini', messages })).resolves.toBeDefined();
  });

  it('plays each failure a given number of times, then answers again', async () => {
    upstream.failNext({ type: 'reset' }, 2);
    await expect(client.chat.completions.create({ model: 'gpt-4.1-mini', messages })).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    await expect(client.chat.completions.create({ model: 'gpt-4.1-mini', messages })).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    // A connection the mock cuts itself is not a client that went away.
    expect(upstream.requests.map((request) => request.aborted)).toEqual([false, false]);
    upstream.failNext({ type: 'malformed-json' });
    await expect(client.chat.completions.create({ model: 'gpt-4.1-mini', messages })).rejects.toThrow();
    upstream.failNext({ type: 'cut-stream', afterChunks: 2 });
    const stream = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages, stream: true });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow();
    expect(received).toEqual(['Mock', ' answer']);
    upstream.failNext({ type: 'timeout' });
    const impatient = new OpenAI({ baseURL: upstream.url, apiKey: 'sk-test', maxRetries: 0, timeout: 100 });
    await expect(impatient.chat.completions.create({ model: 'gpt-4.1-mini', messages })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await expect(client.chat.completions.create({ model: 'gpt-4.1-mini', messages })).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('paces tokens and estimates usage from the text', async () => {
    const paced = await startMockUpstream({ tokensPerSecond: 1000, timeToFirstTokenMs: 5, reply: (request) => `Echo: ${request.model} has ${request.messages.length} messages` });
    try {
      const stream = await new OpenAI({ baseURL: paced.url, apiKey: 'x', maxRetries: 0 }).chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } });
      const pieces: string[] = [];
      let usage;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
        if (chunk.usage) usage = chunk.usage;
      }
      expect(pieces).toEqual(['Echo:', ' m', ' has', ' 1', ' messages']);
      expect(usage).toEqual({ prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 });
    } finally {
      await paced.close();
    }
  });
});
