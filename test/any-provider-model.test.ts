import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createGateway } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';

type WithReceipt = { 'x-routekit': Receipt };
const hi = [{ role: 'user' as const, content: 'hi' }];

describe('any model a configured provider serves', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway('express', {
      providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }],
      // A price for a model the shipped catalog does not know comes from the config's models.
      models: [{ id: 'openai/gpt-5.1', provider: 'openai', upstreamModel: 'gpt-5.1', inputPricePerMillion: 1.25, outputPricePerMillion: 10, contextWindow: 400000, maxOutputTokens: 128000, capabilities: { tools: true, vision: true, jsonMode: true }, quality: 0.96, typicalTimeToFirstTokenMs: 900, typicalTokensPerSecond: 90 }],
      defaultModel: 'openai/gpt-4.1',
      resilience: { attempts: { retries: 0 } },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('passes provider/any-name through under its own name, with price_unknown in the receipt', async () => {
    const completion = (await client.chat.completions.create({ model: 'openai/gpt-6-preview', messages: hi })) as unknown as WithReceipt & { model: string };
    expect(completion.model).toBe('openai/gpt-6-preview');
    expect((mock.requests[0]!.body as { model: string }).model).toBe('gpt-6-preview');
    expect(completion['x-routekit']).toMatchObject({ winner: 'openai/gpt-6-preview', price_unknown: true, cost_usd: 0, savings_usd: 0, default_cost_usd: null });
    const embedding = (await client.embeddings.create({ model: 'openai/text-embedding-4-preview', input: 'x', encoding_format: 'float' })) as unknown as WithReceipt;
    expect(embedding['x-routekit']).toMatchObject({ winner: 'openai/text-embedding-4-preview', price_unknown: true });
  });

  it('prices a model the config names, and auto never chooses a pass-through model', async () => {
    const completion = (await client.chat.completions.create({ model: 'openai/gpt-5.1', messages: hi })) as unknown as WithReceipt & { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(completion['x-routekit'].price_unknown).toBeUndefined();
    expect(completion['x-routekit'].cost_usd).toBeCloseTo((completion.usage.prompt_tokens * 1.25 + completion.usage.completion_tokens * 10) / 1e6, 12);
    const routed = (await client.chat.completions.create({ model: 'auto', messages: hi })) as unknown as WithReceipt;
    expect(routed['x-routekit'].candidates.some((candidate) => candidate.model === 'openai/gpt-6-preview')).toBe(false);
  });

  it('answers an unknown provider with a 404 that names it, and calls nothing', async () => {
    const error = await client.chat.completions.create({ model: 'nope/gpt-5', messages: hi }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ code: 'provider_not_found', param: 'model' });
    expect((error as Error).message).toContain('"nope"');
    expect((error as Error).message).toContain('configured: openai');
    const embedding = await client.embeddings.create({ model: 'nope/embed', input: 'x' }).catch((caught: unknown) => caught);
    expect(embedding).toBeInstanceOf(OpenAI.NotFoundError);
    expect(mock.requests).toHaveLength(0);
  });

  it('refuses a pass-through name that is not a model name', async () => {
    const error = await client.chat.completions.create({ model: `openai/${'x'.repeat(200)}`, messages: hi }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'invalid_model' });
  });

  it('GET /v1/models/{id} answers every name chat accepts, bare names too', async () => {
    const bare = await client.models.retrieve('gpt-4.1-mini');
    expect(bare.id).toBe('openai/gpt-4.1-mini');
    expect((bare as unknown as { 'x-routekit': { pricing: Record<string, number> } })['x-routekit'].pricing).toEqual({ input_per_million_usd: 0.4, output_per_million_usd: 1.6, cached_input_per_million_usd: 0.1 });
    expect((await client.models.retrieve('openai/gpt-6-preview')) as unknown).toMatchObject({ id: 'openai/gpt-6-preview', owned_by: 'openai', 'x-routekit': { kind: 'pass_through', price_unknown: true } });
    expect((await client.models.retrieve('text-embedding-3-small')) as unknown).toMatchObject({ id: 'openai/text-embedding-3-small', 'x-routekit': { kind: 'embedding', dimensions: 1536 } });
    expect((await client.models.retrieve('router-lr-0.5')) as unknown).toMatchObject({ id: 'router-lr-0.5', 'x-routekit': { kind: 'router' } });
    expect((await client.models.retrieve('openai/gpt-5.1')).id).toBe('openai/gpt-5.1');
    for (const missing of ['nope/model', 'gpt-9', 'anthropic/claude-haiku-4-5', 'router-nothing-0.5']) {
      const error = await client.models.retrieve(missing).catch((caught: unknown) => caught);
      expect(error, missing).toBeInstanceOf(OpenAI.NotFoundError);
    }
  });
});

describe('spend limits and a model without a price', () => {
  let mock: MockUpstream;
  const gateways: RunningGateway[] = [];

  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await mock.close();
  });

  async function clientWith(spendLimits: Record<string, unknown>): Promise<OpenAI> {
    const gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], spendLimits, resilience: { attempts: { retries: 0 } } });
    gateways.push(gateway);
    return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }

  it('refuses it by default when a spend limit applies (402 naming the option), without calling it', async () => {
    const client = await clientWith({ global: { limits: { daily_usd: 5 } } });
    mock.reset();
    const error = await client.chat.completions.create({ model: 'openai/gpt-6-preview', messages: hi }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 402 });
    expect((error as Error).message).toContain('unknownPrice');
    expect(mock.requests).toHaveLength(0);
  });

  it('counts each call at maxCostPerRequestUsd when configured, and sends no output cap it cannot price', async () => {
    const client = await clientWith({ global: { limits: { daily_usd: 0.05 } }, unknownPrice: { maxCostPerRequestUsd: 0.02 } });
    mock.reset();
    const first = (await client.chat.completions.create({ model: 'openai/gpt-6-preview', messages: hi })) as unknown as WithReceipt;
    expect(first['x-routekit'].limits?.['global.daily_usd']).toEqual({ limit: 0.05, remaining: 0.03 });
    expect(mock.requests[0]!.body).not.toHaveProperty('max_completion_tokens');
    await client.chat.completions.create({ model: 'openai/gpt-6-preview', messages: hi });
    // 0.01 left: a third call at 0.02 would pass the limit.
    await expect(client.chat.completions.create({ model: 'openai/gpt-6-preview', messages: hi })).rejects.toMatchObject({ status: 402 });
    expect(mock.requests).toHaveLength(2);
  });

  it('validates unknownPrice strictly', () => {
    const providers = [{ id: 'openai', kind: 'openai' as const, baseUrl: mock.url }];
    expect(() => createGateway({ providers, spendLimits: { global: { limits: { daily_usd: 1 } }, unknownPrice: 'allow' as never } })).toThrow(ConfigurationError);
    expect(() => createGateway({ providers, spendLimits: { global: { limits: { daily_usd: 1 } }, unknownPrice: { maxCost: 1 } as never } })).toThrow(/maxCost/);
    expect(() => createGateway({ providers, spendLimits: { global: { limits: { daily_usd: 1 } }, unknownPrice: { maxCostPerRequestUsd: -1 } } })).toThrow(ConfigurationError);
  });
});
