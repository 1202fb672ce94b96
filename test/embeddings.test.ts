import OpenAI from 'openai';
import { embedMany } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { OpenAIEmbeddings } from '@langchain/openai';
import { OpenAIEmbedding } from '@llamaindex/openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Receipt } from '@routekit/core';
import { base64OfVector, mockVector, startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { type Framework, mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

type WithReceipt = { 'x-routekit': Receipt };
const small = 'openai/text-embedding-3-small';

describe.each<Framework>(['express', 'koa'])('POST /v1/embeddings through the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, {
      providers: mockProviders(mock),
      defaultModel: 'openai/gpt-4.1',
      cache: { semantic: true },
      pii: true,
      resilience: { attempts: { retries: 0 } },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('embeds with the SDK default (it asks for base64 and decodes it): the vectors the model sent, priced in the receipt', async () => {
    const input = ['The cat sat on the mat.', 'A second, longer sentence about dogs and parks.'];
    const response = await client.embeddings.create({ model: small, input });
    expect(response.data.map((item) => Array.from(item.embedding))).toEqual(input.map((text) => mockVector(text, 1536)));
    expect(response.model).toBe(small);
    const sent = mock.requests[0]!.body as Record<string, unknown>;
    expect(sent).toEqual({ model: 'text-embedding-3-small', input, encoding_format: 'base64' });
    const receipt = (response as unknown as WithReceipt)['x-routekit'];
    expect(receipt).toMatchObject({ winner: small, strategy: 'explicit', status: 'ok', tokens: { prompt: response.usage.prompt_tokens, completion: 0, estimated: false } });
    expect(receipt.cost_usd).toBeCloseTo((response.usage.prompt_tokens * 0.02) / 1e6, 12);
    const stored = (await (await fetch(`${gateway.url}/v1/receipts/${receipt.request_id}`)).json()) as Receipt;
    expect(stored.cost_usd).toBe(receipt.cost_usd);
  });

  it('passes float and base64 through unchanged, with dimensions and user', async () => {
    const floats = await client.embeddings.create({ model: small, input: 'float please', encoding_format: 'float', dimensions: 256, user: 'user-7' });
    expect(floats.data[0]!.embedding).toEqual(mockVector('float please', 256));
    expect(mock.requests[0]!.body).toEqual({ model: 'text-embedding-3-small', input: 'float please', encoding_format: 'float', dimensions: 256, user: 'user-7' });
    const base64 = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'base64 please', encoding_format: 'base64' });
    // An explicit base64 request is not decoded by the SDK: the string is the upstream's own.
    expect(base64.data[0]!.embedding).toBe(base64OfVector(mockVector('base64 please', 1536)));
    expect(base64.model).toBe('openai/text-embedding-3-large');
  });

  it('sends token arrays as token arrays, and counts them', async () => {
    const response = await client.embeddings.create({ model: small, input: [[1, 2, 3], [4, 5]], encoding_format: 'float' });
    expect(response.data).toHaveLength(2);
    expect((mock.requests[0]!.body as { input: unknown }).input).toEqual([[1, 2, 3], [4, 5]]);
    expect(response.usage.prompt_tokens).toBe(5);
  });

  it('answers the same request from the exact cache, never a paraphrase or other dimensions', async () => {
    const body = { model: small, input: ['cache me exactly'], encoding_format: 'float' as const };
    const first = (await client.embeddings.create(body)) as unknown as WithReceipt;
    const second = (await client.embeddings.create(body)) as unknown as WithReceipt & { data: { embedding: number[] }[] };
    expect(first['x-routekit'].cache?.status).toBe('miss');
    expect(second['x-routekit'].cache).toMatchObject({ status: 'hit', kind: 'exact' });
    expect(second.data[0]!.embedding).toEqual(mockVector('cache me exactly', 1536));
    const paraphrase = (await client.embeddings.create({ ...body, input: ['cache me, exactly'] })) as unknown as WithReceipt;
    const shorter = (await client.embeddings.create({ ...body, dimensions: 64 })) as unknown as WithReceipt & { data: { embedding: number[] }[] };
    expect(paraphrase['x-routekit'].cache?.status).toBe('miss');
    expect(shorter['x-routekit'].cache?.status).toBe('miss');
    expect(shorter.data[0]!.embedding).toHaveLength(64);
    expect(mock.requests).toHaveLength(3);
  });

  it('redacts PII before the text leaves: the vector is of the redacted text', async () => {
    const response = await client.embeddings.create({ model: small, input: 'Write to ana.lopez@example.com today', encoding_format: 'float' });
    const sent = (mock.requests[0]!.body as { input: string }).input;
    expect(sent).not.toContain('ana.lopez@example.com');
    expect(sent).toMatch(/<EMAIL_1_\w+>/);
    expect(response.data[0]!.embedding).toEqual(mockVector(sent, 1536));
    expect((response as unknown as WithReceipt)['x-routekit'].pii?.detected).toEqual({ EMAIL: 1 });
  });

  it('refuses auto, routers and chat models with a 400 that says what to do, and embedding models on chat', async () => {
    for (const model of ['auto', 'router-lr-0.5', 'router@q:1|c:1']) {
      const error = await client.embeddings.create({ model, input: 'x' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('model_not_embedding');
    }
    const chat = await client.embeddings.create({ model: 'gpt-4.1-mini', input: 'x' }).catch((caught: unknown) => caught);
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((chat as Error).message).toContain('openai/text-embedding-3-small');
    const embeddingOnChat = await client.chat.completions.create({ model: small, messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(embeddingOnChat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((embeddingOnChat as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('model_not_chat');
    expect(mock.requests).toHaveLength(0);
  });

  it('lists embedding models, and auto never chooses one', async () => {
    const models = await client.models.list();
    const entry = models.data.find((model) => model.id === small) as unknown as { 'x-routekit': { kind: string; dimensions: number } };
    expect(entry['x-routekit']).toMatchObject({ kind: 'embedding', dimensions: 1536 });
    const completion = (await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })) as unknown as WithReceipt;
    expect(completion['x-routekit'].candidates.some((candidate) => candidate.model.includes('embed'))).toBe(false);
  });
});

describe('embedding clients of other frameworks through the gateway', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let baseURL: string;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], resilience: { attempts: { retries: 0 } } });
    baseURL = `${gateway.url}/v1`;
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  const texts = ['sunny day at the beach', 'rainy night in the city', 'snow on the mountains'];
  const expected = texts.map((text) => mockVector(text, 1536));

  it('Vercel AI SDK embedMany with createOpenAI({ baseURL }).embedding', async () => {
    const openai = createOpenAI({ baseURL, apiKey: 'unused' });
    const { embeddings, usage } = await embedMany({ model: openai.embedding('openai/text-embedding-3-small'), values: texts, maxRetries: 0 });
    expect(embeddings).toEqual(expected);
    expect(usage.tokens).toBeGreaterThan(0);
  });

  it('LangChain OpenAIEmbeddings with configuration.baseURL', async () => {
    const embeddings = new OpenAIEmbeddings({ model: 'openai/text-embedding-3-small', apiKey: 'unused', configuration: { baseURL }, maxRetries: 0 });
    expect(await embeddings.embedDocuments(texts)).toEqual(expected);
    expect(await embeddings.embedQuery(texts[0]!)).toEqual(expected[0]);
  });

  it('LlamaIndex OpenAIEmbedding from @llamaindex/openai', async () => {
    const embedding = new OpenAIEmbedding({ model: 'openai/text-embedding-3-small', apiKey: 'unused', baseURL, maxRetries: 0 });
    expect(await embedding.getTextEmbeddings(texts)).toEqual(expected);
  });
});

describe('limits on embeddings', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway('express', {
      providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }],
      spendLimits: { global: { limits: { daily_usd: 1 } } },
      rateLimits: { global: { requestsPerMinute: 3 } },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('settles the real cost of each call (no output reserved or sent) and counts requests', async () => {
    const first = (await client.embeddings.create({ model: small, input: ['limit me', 'and me'], encoding_format: 'float' })) as unknown as WithReceipt & { usage: { prompt_tokens: number } };
    const spent = Math.ceil(first.usage.prompt_tokens * 0.02) / 1e6;
    expect(first['x-routekit'].limits?.['global.daily_usd']?.remaining).toBeCloseTo(1 - spent, 9);
    expect(first['x-routekit'].max_tokens_capped_to).toBeUndefined();
    expect(mock.requests[0]!.body).toEqual({ model: 'text-embedding-3-small', input: ['limit me', 'and me'], encoding_format: 'float' });
    await client.embeddings.create({ model: small, input: 'two' });
    await client.embeddings.create({ model: small, input: 'three' });
    await expect(client.embeddings.create({ model: small, input: 'four' })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });
});
