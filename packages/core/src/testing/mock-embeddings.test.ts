import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64OfVector, mockVector } from './mock-embeddings.js';
import type { MockUpstream } from './mock-upstream-options.js';
import { startMockUpstream } from './mock-upstream.js';

describe('the mock upstream: embeddings, prompt-cache usage and Azure paths', () => {
  let mock: MockUpstream;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream({ promptCache: true });
    client = new OpenAI({ baseURL: mock.url, apiKey: 'test', maxRetries: 0 });
  });
  afterAll(() => mock.close());

  it('answers deterministic unit vectors of the text, honouring dimensions and base64', async () => {
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float', dimensions: 32 });
    expect(floats.data.map((item) => item.embedding)).toEqual([mockVector('a', 32), mockVector('b', 32)]);
    expect(Math.hypot(...floats.data[0]!.embedding)).toBeCloseTo(1, 5);
    expect(floats.data[0]!.embedding).not.toEqual(floats.data[1]!.embedding);
    const base64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a', encoding_format: 'base64', dimensions: 32 });
    expect(base64.data[0]!.embedding).toBe(base64OfVector(mockVector('a', 32)));
    // The SDK's default asks for base64 and decodes it: the same numbers as the float answer.
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'a', dimensions: 32 });
    expect(Array.from(decoded.data[0]!.embedding)).toEqual(mockVector('a', 32));
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('reports cached_tokens when the messages before the last were seen before', async () => {
    const messages = [
      { role: 'system' as const, content: 'A long shared system prompt. '.repeat(20) },
      { role: 'user' as const, content: 'first' },
    ];
    const first = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
    const second = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [messages[0]!, { role: 'user', content: 'second' }] });
    expect(first.usage!.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(second.usage!.prompt_tokens_details?.cached_tokens).toBe(Math.ceil(messages[0]!.content.length / 4));
  });

  it('serves Azure deployment paths, which need api-version', async () => {
    const azure = new OpenAI({ baseURL: `http://127.0.0.1:${mock.port}/openai/deployments/my-deployment`, apiKey: 'test', defaultQuery: { 'api-version': '2024-10-21' }, maxRetries: 0 });
    const completion = await azure.chat.completions.create({ model: 'ignored', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Mock answer from ignored.');
    expect(mock.requests.at(-1)).toMatchObject({ path: '/openai/deployments/my-deployment/chat/completions', query: '?api-version=2024-10-21' });
    const missing = new OpenAI({ baseURL: `http://127.0.0.1:${mock.port}/openai/deployments/my-deployment`, apiKey: 'test', maxRetries: 0 });
    await expect(missing.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});
