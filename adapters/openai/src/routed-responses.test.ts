import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, MemoryResponseStore, type ChatRequest } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import OpenAI, { APIError, BadRequestError } from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { createRoutedClient } from './index.js';

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

const openai = () => new OpenAI({ apiKey: 'test', baseURL: mock.url, maxRetries: 0 });
const weather = { type: 'function' as const, name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false };

describe.each([
  ['over openai clients (models)', () => ({ models: { 'openai/gpt-4.1': openai(), 'openai/gpt-4.1-mini': openai() } })],
  ['over providers', () => ({ providers: [{ id: 'openai', kind: 'openai' as const, baseUrl: mock.url }] })],
])('createRoutedClient(...).responses %s', (_name, setup) => {
  it('create: a Responses object from the routed model, with the receipt', async () => {
    const client = createRoutedClient({ ...setup(), resilience: { attempts: { retries: 0 } } });
    const answer = await client.responses.create({ model: 'auto', instructions: 'Be brief.', input: 'What is the capital of France?' });
    expect(answer).toMatchObject({ object: 'response', status: 'completed', store: false });
    expect(answer.output_text).toMatch(/^Mock answer from /);
    expect(answer['x-routekit'].winner).toBe(answer.model);
    expect((mock.requests.at(-1)!.body as ChatRequest).messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it('create with stream: true, and the stream() helper with a function call', async () => {
    const client = createRoutedClient(setup());
    const stream = await client.responses.create({ model: 'auto', input: 'Tell me a story.', stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events[0]!.type).toBe('response.created');
    expect(events.at(-1)!.type).toBe('response.completed');
    const helper = client.responses.stream({ model: 'auto', input: 'Weather in Paris?', tools: [weather] });
    const final = await helper.finalResponse();
    expect(final.output.find((item) => item.type === 'function_call')).toMatchObject({ name: 'get_weather' });
  });

  it('continues with previous_response_id given a responseStore, and refuses it without one', async () => {
    const client = createRoutedClient({ ...setup(), responseStore: new MemoryResponseStore() });
    const first = await client.responses.create({ model: 'auto', input: 'My name is Ada.' });
    const second = await client.responses.create({ model: 'auto', input: 'What is my name?', previous_response_id: first.id });
    expect(second.model).toBe(first.model);
    expect((mock.requests.at(-1)!.body as ChatRequest).messages).toHaveLength(3);
    const bare = createRoutedClient(setup());
    await expect(bare.responses.create({ model: 'auto', input: 'hi', previous_response_id: first.id })).rejects.toBeInstanceOf(BadRequestError);
    await expect(bare.responses.create({ model: 'auto', input: 'hi', tools: [{ type: 'web_search' }] })).rejects.toMatchObject({ status: 400, param: 'tools[0].type' });
  });

  it('raises from a stream that fails after its first delta, after response.failed', async () => {
    const client = createRoutedClient({ ...setup(), resilience: { attempts: { retries: 0 } } });
    mock.failNext({ type: 'cut-stream', afterChunks: 2 });
    const stream = await client.responses.create({ model: 'openai/gpt-4.1-mini', input: 'Tell me a story.', stream: true });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect(seen.at(-1)).toBe('response.failed');
  });
});

it('checks its own options', () => {
  expect(() => createRoutedClient({ providers: [{ id: 'openai', kind: 'openai', baseUrl: 'http://127.0.0.1:9' }], responseRetentionDays: 0 })).toThrow(ConfigurationError);
});
