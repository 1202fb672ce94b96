import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCatalog, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { type Framework, mockProviders, type RunningGateway, startGateway } from './start-gateway.js';

const catalog = new ModelCatalog();
const weather = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

describe.each<Framework>(['express', 'koa'])('the official openai client against the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, {
      providers: mockProviders(mock),
      defaultModel: 'openai/gpt-4.1',
      // Error mapping and fallback across models are what this file tests; retries on the same model are test/resilience-faults.test.ts's.
      resilience: { attempts: { retries: 0 } },
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('chats through auto, with a receipt in the body, the header and the receipts endpoint', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France?' }] }).withResponse();
    expect(data.choices[0]!.message.content).toMatch(/\S/);
    const receipt = (data as unknown as { 'x-routekit': Receipt })['x-routekit'];
    expect(receipt.request_id).toBe(data.id);
    expect(receipt.winner).toBe(data.model);
    expect(receipt.strategy).toBe('auto');
    expect(response.headers.get('x-routekit-receipt')).toContain(`model=${receipt.winner}`);
    expect(response.headers.get('x-request-id')).toBe(data.id);

    const model = catalog.get(receipt.winner!)!;
    const usage = data.usage!;
    expect(receipt.tokens).toMatchObject({ prompt: usage.prompt_tokens, completion: usage.completion_tokens, estimated: false });
    expect(receipt.cost_usd).toBeCloseTo((usage.prompt_tokens * model.inputPricePerMillion + usage.completion_tokens * model.outputPricePerMillion) / 1e6, 10);
    const stored = (await (await fetch(`${gateway.url}/v1/receipts/${data.id}`)).json()) as Receipt;
    expect(stored).toEqual(receipt);
  });

  it('sends the provider its own model name, and answers with the routed id', async () => {
    const before = mock.requests.length;
    const completion = await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.model).toBe('openai/gpt-4.1-mini');
    expect((mock.requests[before]!.body as { model: string }).model).toBe('gpt-4.1-mini');
  });

  it('streams, and puts usage and the receipt on the last chunk when asked', async () => {
    const stream = await client.chat.completions.create({ model: 'auto', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Tell me a story.' }] });
    let text = '';
    let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      last = chunk;
    }
    expect(text).toMatch(/\S/);
    expect(last!.usage!.total_tokens).toBeGreaterThan(0);
    const receipt = (last as unknown as { 'x-routekit': Receipt })['x-routekit'];
    expect(receipt).toMatchObject({ request_id: last!.id, stream: true, status: 'ok' });
    expect(receipt.tokens.total).toBe(last!.usage!.total_tokens);
  });

  it('routes tool calls to tool-capable models, in JSON and in a stream', async () => {
    const completion = await client.chat.completions.create({ model: 'auto', tools: [weather], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(catalog.get(completion.model)!.capabilities.tools).toBe(true);

    const stream = client.chat.completions.stream({ model: 'auto', tools: [weather], messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]!;
    expect(streamed.type === 'function' && streamed.function.name).toBe('get_weather');
    expect(() => JSON.parse(streamed.type === 'function' ? streamed.function.arguments : '')).not.toThrow();
  });

  it('speaks to Anthropic natively behind the OpenAI format', async () => {
    const before = mock.requests.length;
    const completion = await client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    expect(completion.choices[0]!.message.content).toMatch(/\S/);
    expect(mock.requests[before]!.path).toBe('/v1/messages');
    const stream = await client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(completion.choices[0]!.message.content);
  });

  it('maps errors onto the client error classes', async () => {
    await expect(client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    await expect(client.chat.completions.create({ model: 'auto', messages: [] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    mock.failNext({ type: 'status', status: 429, retryAfterSeconds: 7 });
    const refused = await client.chat.completions.create({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');

    mock.failNext({ type: 'status', status: 500 });
    await expect(client.chat.completions.create({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 502, code: 'provider_server_error' });
  });

  it('falls back to the next model when the first fails, and says so in the receipt', async () => {
    mock.failNext({ type: 'status', status: 503 });
    const completion = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
    const receipt = (completion as unknown as { 'x-routekit': Receipt })['x-routekit'];
    expect(receipt.fallback_attempts).toBe(1);
    expect(receipt.attempts.map((attempt) => attempt.outcome)).toEqual(['failed', 'ok']);
  });

  it('lists the catalog with prices, capabilities and latency', async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toContain('auto');
    expect(ids).toContain('openai/gpt-4.1-mini');
    expect(ids.some((id) => id.startsWith('google/'))).toBe(false);
    const mini = models.data.find((model) => model.id === 'openai/gpt-4.1-mini') as unknown as { 'x-routekit': { pricing: { input_per_million_usd: number }; capabilities: { tools: boolean }; latency: { source: string } } };
    expect(mini['x-routekit'].pricing.input_per_million_usd).toBe(0.4);
    expect(mini['x-routekit'].capabilities.tools).toBe(true);
  });

  it('leaves the app its own routes', async () => {
    expect(await (await fetch(`${gateway.url}/health`)).json()).toEqual({ app: framework });
  });
});
