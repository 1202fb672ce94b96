import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Receipt } from '@routekit/core';
import { mockVector, startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createGateway } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';

const hi = [{ role: 'user' as const, content: 'hi' }];
const priced = { provider: 'azure', inputPricePerMillion: 0.4, outputPricePerMillion: 1.6, cachedInputPricePerMillion: 0.1, contextWindow: 1047576, maxOutputTokens: 32768, capabilities: { tools: true, vision: true, jsonMode: true }, quality: 0.8, typicalTimeToFirstTokenMs: 400, typicalTokensPerSecond: 120 };

describe('Azure OpenAI as a provider', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream({ apiKey: 'azure-key' });
    gateway = await startGateway('express', {
      providers: [{ id: 'azure', kind: 'azure', baseUrl: `http://127.0.0.1:${mock.port}`, apiKey: 'azure-key', apiVersion: '2024-10-21', deployments: { 'gpt-4.1-mini': 'prod-mini' } }],
      models: [{ id: 'azure/gpt-4.1-mini', upstreamModel: 'gpt-4.1-mini', ...priced }],
      resilience: { attempts: { retries: 0 } },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });
  beforeEach(() => mock.reset());

  it('calls the deployment URL with api-version and the api-key header, JSON and streamed', async () => {
    const completion = await client.chat.completions.create({ model: 'azure/gpt-4.1-mini', messages: hi });
    expect(completion.choices[0]!.message.content).toBe('Mock answer from gpt-4.1-mini.');
    const [sent] = mock.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/openai/deployments/prod-mini/chat/completions', query: '?api-version=2024-10-21' });
    expect(sent!.headers['api-key']).toBe('azure-key');
    expect(sent!.headers.authorization).toBeUndefined();
    const receipt = (completion as unknown as { 'x-routekit': Receipt })['x-routekit'];
    expect(receipt.cost_usd).toBeCloseTo((completion.usage!.prompt_tokens * 0.4 + completion.usage!.completion_tokens * 1.6) / 1e6, 12);

    const stream = await client.chat.completions.create({ model: 'azure/gpt-4.1-mini', messages: hi, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Mock answer from gpt-4.1-mini.');
    expect(mock.requests[1]!.path).toBe('/openai/deployments/prod-mini/chat/completions');
  });

  it('calls a model without a mapped deployment on a deployment of its own name, embeddings too', async () => {
    const response = await client.embeddings.create({ model: 'azure/text-embedding-3-small', input: 'azure vector', encoding_format: 'float' });
    expect(response.data[0]!.embedding).toEqual(mockVector('azure vector', 1536));
    expect(mock.requests[0]).toMatchObject({ path: '/openai/deployments/text-embedding-3-small/embeddings', query: '?api-version=2024-10-21' });
  });

  it('sends the configured key as api-key, which the provider checks (the mock refuses another)', async () => {
    const wrong = await startGateway('express', { providers: [{ id: 'azure', kind: 'azure', baseUrl: `http://127.0.0.1:${mock.port}`, apiKey: 'other', apiVersion: '2024-10-21' }], resilience: { attempts: { retries: 0 } } });
    try {
      const error = await new OpenAI({ baseURL: `${wrong.url}/v1`, apiKey: 'unused', maxRetries: 0 }).chat.completions.create({ model: 'azure/gpt-4.1-mini', messages: hi }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(mock.requests.at(-1)!.headers['api-key']).toBe('other');
    } finally {
      await wrong.close();
    }
  });

  it('validates the provider strictly: azure needs apiVersion, the others take neither field', () => {
    const base = `http://127.0.0.1:${mock.port}`;
    expect(() => createGateway({ providers: [{ id: 'azure', kind: 'azure', baseUrl: base, apiKey: 'k' }] })).toThrow(/providers\[0\]\.apiVersion/);
    expect(() => createGateway({ providers: [{ id: 'openai', kind: 'openai', baseUrl: base, apiVersion: '2024-10-21' }] })).toThrow(/only an azure provider/);
    expect(() => createGateway({ providers: [{ id: 'azure', kind: 'azure', baseUrl: base, apiVersion: '2024-10-21', deployments: { 'gpt-4.1': 'bad/name' } }] })).toThrow(/deployment name/);
    expect(() => createGateway({ providers: [{ id: 'azure', kind: 'azure', baseUrl: base, apiVersion: '2024-10-21', deployment: {} } as never] })).toThrow(/deployment/);
  });
});
