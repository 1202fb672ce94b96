import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { base64OfVector, mockVector, startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import OpenAI, { BadRequestError, RateLimitError } from 'openai';
import { createRoutedClient } from './index.js';

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

const openai = () => new OpenAI({ apiKey: 'test', baseURL: mock.url, maxRetries: 0 });

describe('createRoutedClient embeddings.create', () => {
  it('over providers: the vectors, the receipt, the exact cache and rate limits as on the gateway', async () => {
    const client = createRoutedClient({ providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], cache: true, rateLimits: { global: { requestsPerMinute: 2 } } });
    const body = { model: 'text-embedding-3-small', input: ['one', 'two'], encoding_format: 'float' as const };
    const first = await client.embeddings.create(body);
    expect(first.data.map((item) => item.embedding)).toEqual([mockVector('one', 1536), mockVector('two', 1536)]);
    expect(first['x-routekit']).toMatchObject({ winner: 'openai/text-embedding-3-small', status: 'ok' });
    expect(first['x-routekit'].cost_usd).toBeCloseTo((first.usage.prompt_tokens * 0.02) / 1e6, 12);
    const second = await client.embeddings.create(body);
    expect(second['x-routekit'].cache).toMatchObject({ status: 'hit', kind: 'exact' });
    expect(mock.requests).toHaveLength(1);
    await expect(client.embeddings.create(body)).rejects.toBeInstanceOf(RateLimitError);
  });

  it('over openai clients (models): delegates to the client of that id, base64 untouched', async () => {
    const client = createRoutedClient({ models: { 'openai/gpt-4.1-mini': openai(), 'openai/text-embedding-3-small': openai() } });
    const response = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'delegated', encoding_format: 'base64' });
    expect(response.data[0]!.embedding).toBe(base64OfVector(mockVector('delegated', 1536)));
    expect(mock.requests[0]!.body).toEqual({ model: 'text-embedding-3-small', input: 'delegated', encoding_format: 'base64' });
  });

  it('throws the openai error classes: auto, a chat model, a bad input', async () => {
    const client = createRoutedClient({ providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }] });
    await expect(client.embeddings.create({ model: 'auto', input: 'x' })).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.embeddings.create({ model: 'openai/gpt-4.1-mini', input: 'x' })).rejects.toMatchObject({ status: 400, code: 'model_not_embedding' });
    await expect(client.embeddings.create({ model: 'openai/text-embedding-3-small', input: [] })).rejects.toMatchObject({ status: 400, param: 'input' });
    expect(mock.requests).toHaveLength(0);
  });
});
