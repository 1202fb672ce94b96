import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import type { ChatRequest, Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { generateText, isStepCount, Output, streamText, tool, wrapLanguageModel, type LanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRoutekit, routekitMiddleware } from './index.js';

// The real @ai-sdk/openai chat models against routekit's mock upstream over HTTP: what an app
// that routes between OpenAI models does, minus the internet.

const receiptOf = (metadata: unknown) => (metadata as { routekit: Receipt }).routekit;
const person = z.object({ name: z.string(), age: z.number() });

function reply(request: ChatRequest) {
  if (request.response_format?.type === 'json_schema') return '{"name":"Ada","age":36}';
  const last = request.messages.at(-1);
  if (request.tools?.length && last?.role !== 'tool') return { tool_calls: [{ name: 'weather', arguments: '{"city":"Paris"}' }] };
  if (last?.role === 'tool') return `The tool said: ${typeof last.content === 'string' ? last.content : last.content.map((part) => part.text).join('')}`;
  const text = typeof last?.content === 'string' ? last.content : (last?.content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');
  return `Echo from ${request.model}: ${text}`;
}

let mock: MockUpstream;
let openai: ReturnType<typeof createOpenAI>;
beforeAll(async () => {
  mock = await startMockUpstream({ reply });
  openai = createOpenAI({ baseURL: mock.url, apiKey: 'test' });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const weather = tool({ description: 'Weather of a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, celsius: 21 }) });

/** The same scenarios through the provider and through the middleware. */
const setups: Array<[string, () => { model: LanguageModel }]> = [
  [
    'createRoutekit',
    () => {
      const routekit = createRoutekit({ models: { 'openai/gpt-4.1': openai.chat('gpt-4.1'), 'openai/gpt-4.1-mini': openai.chat('gpt-4.1-mini') }, pii: true });
      return { model: routekit('auto') };
    },
  ],
  ['routekitMiddleware', () => ({ model: wrapLanguageModel({ model: openai.chat('gpt-4.1-mini') as LanguageModelV4, middleware: routekitMiddleware({ pii: true }) }) })],
];

describe.each(setups)('%s with @ai-sdk/openai chat models on the mock upstream', (_name, setup) => {
  it('generateText: the answer, the real model id, usage and the receipt; PII never reaches the wire', async () => {
    const { model } = setup();
    const result = await generateText({ model, prompt: 'My card is 4111 1111 1111 1111, is that fine?' });
    expect(result.text).toBe('Echo from gpt-4.1-mini: My card is 4111 1111 1111 1111, is that fine?');
    expect(JSON.stringify(mock.requests.at(-1)?.body)).not.toContain('4111');
    expect(result.response.modelId).toBe('gpt-4.1-mini');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(receiptOf(result.providerMetadata)).toMatchObject({ winner: 'openai/gpt-4.1-mini', status: 'ok', pii: { detected: { CREDIT_CARD: 1 } } });
  });

  it('streamText: streamed over SSE, restored, with the receipt on the finish part', async () => {
    const { model } = setup();
    const result = streamText({ model, prompt: 'Write to ana@example.com today' });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.join('')).toBe('Echo from gpt-4.1-mini: Write to ana@example.com today');
    expect(pieces.length).toBeGreaterThan(1);
    expect((mock.requests.at(-1)?.body as { stream?: boolean }).stream).toBe(true);
    expect(JSON.stringify(mock.requests.at(-1)?.body)).not.toContain('ana@example.com');
    expect(receiptOf(await result.providerMetadata)).toMatchObject({ winner: 'openai/gpt-4.1-mini', stream: true, status: 'ok' });
    expect((await result.response).modelId).toBe('gpt-4.1-mini');
  });

  it('tool calls over several steps with stopWhen (generate and stream)', async () => {
    const { model } = setup();
    const result = await generateText({ model, prompt: 'Weather in Paris?', tools: { weather }, stopWhen: isStepCount(3) });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: 'Paris' } });
    expect(result.text).toBe('The tool said: {"city":"Paris","celsius":21}');
    const requests = mock.requests.map((request) => request.body as ChatRequest);
    expect(requests[0]?.tools?.[0]?.function.name).toBe('weather');
    expect(requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: '{"city":"Paris","celsius":21}' });
    const stream = streamText({ model, prompt: 'Weather in Paris?', tools: { weather }, stopWhen: isStepCount(3) });
    expect(await stream.text).toBe('The tool said: {"city":"Paris","celsius":21}');
    expect((await stream.steps)[0]?.toolCalls[0]?.input).toEqual({ city: 'Paris' });
  });

  it('structured output with Output.object and a zod schema', async () => {
    const { model } = setup();
    const result = await generateText({ model, prompt: 'Who wrote the first program?', output: Output.object({ schema: person }) });
    expect(result.output).toEqual({ name: 'Ada', age: 36 });
    expect((mock.requests.at(-1)?.body as ChatRequest).response_format).toMatchObject({ type: 'json_schema', json_schema: { schema: { type: 'object' } } });
    const stream = streamText({ model, prompt: 'Who wrote the first program?', output: Output.object({ schema: person }) });
    expect(await stream.output).toEqual({ name: 'Ada', age: 36 });
  });

  it('abort: the HTTP request to the upstream is abandoned', async () => {
    const { model } = setup();
    mock.failNext({ type: 'timeout' });
    const controller = new AbortController();
    const pending = generateText({ model, prompt: 'Hello', abortSignal: controller.signal, maxRetries: 0 });
    while (mock.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mock.requests[0]?.aborted).toBe(true);
    expect(mock.requests).toHaveLength(1);
  });
});

it('createRoutekit declares the file URLs every delegate takes, so the AI SDK downloads only the others', async () => {
  const both = createRoutekit({ models: { 'openai/gpt-4.1': openai.chat('gpt-4.1'), 'openai/gpt-4.1-mini': openai.chat('gpt-4.1-mini') } });
  expect(await both('auto').supportedUrls).toEqual(await openai.chat('gpt-4.1').supportedUrls);
  expect(Object.keys(await both('auto').supportedUrls)).not.toHaveLength(0);
  const mixed = createRoutekit({ models: { 'openai/gpt-4.1': openai.chat('gpt-4.1'), 'openai/gpt-4.1-mini': new MockLanguageModelV4({ supportedUrls: {} }) } });
  expect(await mixed('auto').supportedUrls).toEqual({});
});

it('createRoutekit falls back to the next model when the first fails before its first token (HTTP 500)', async () => {
  const failing = await startMockUpstream({ reply, failures: { 'gpt-4.1-mini': { type: 'status', status: 500 } } });
  try {
    const failingOpenai = createOpenAI({ baseURL: failing.url, apiKey: 'test' });
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1': failingOpenai.chat('gpt-4.1'), 'openai/gpt-4.1-mini': failingOpenai.chat('gpt-4.1-mini') } });
    const result = await generateText({ model: routekit('auto'), prompt: 'Hello', maxRetries: 0 });
    expect(result.text).toBe('Echo from gpt-4.1: Hello');
    expect(receiptOf(result.providerMetadata)).toMatchObject({ winner: 'openai/gpt-4.1', fallback_attempts: 1 });
    const stream = streamText({ model: routekit('auto'), prompt: 'Hello again', maxRetries: 0 });
    expect(await stream.text).toBe('Echo from gpt-4.1: Hello again');
    expect((await stream.response).modelId).toBe('gpt-4.1');
  } finally {
    await failing.close();
  }
});

describe('createRoutekit: per-call options and errors', () => {
  const routekit = () => createRoutekit({ models: { 'openai/gpt-4.1': openai.chat('gpt-4.1'), 'openai/gpt-4.1-mini': openai.chat('gpt-4.1-mini') } });

  it('a call’s temperature, maxOutputTokens, topP, stopSequences, seed and penalties reach whichever model is chosen', async () => {
    const options = { temperature: 0.2, maxOutputTokens: 40, topP: 0.9, stopSequences: ['END'], seed: 7, presencePenalty: 0.1, frequencyPenalty: 0.3 };
    await generateText({ model: routekit()('auto'), prompt: 'What is the capital of France?', ...options });
    await generateText({ model: routekit()('router-lr-0'), prompt: 'Prove that there are infinitely many primes.', ...options });
    const bodies = mock.requests.filter((request) => request.path === '/v1/chat/completions').map((request) => request.body as ChatRequest);
    const expected = { temperature: 0.2, max_tokens: 40, top_p: 0.9, stop: ['END'], seed: 7, presence_penalty: 0.1, frequency_penalty: 0.3 };
    expect(bodies).toMatchObject([{ model: 'gpt-4.1-mini', ...expected }, { model: 'gpt-4.1', ...expected }]);
  });

  it('an unknown model id is refused when the model is made, as the AI SDK’s NoSuchModelError naming the provider’s models', () => {
    const provider = routekit();
    const error = (() => { try { provider('openai/gpt-5-nope'); } catch (caught) { return caught as Error; } return undefined; })();
    expect(error?.name).toBe('AI_NoSuchModelError');
    expect(error?.message).toBe('createRoutekit: model "openai/gpt-5-nope" is not one of `models` (openai/gpt-4.1, openai/gpt-4.1-mini); use one of those ids or a router string such as "auto", "router-lr-0.3" or "router@q:1|c:0.5".');
    expect(() => provider.languageModel('router-nope-0.5')).toThrow(/createRoutekit: model id "router-nope-0.5" names an unknown router scorer "nope"/);
    expect(() => provider('router-lr-7')).toThrow(/createRoutekit: model id "router-lr-7"/);
    expect(mock.requests).toHaveLength(0);
  });

  it('a budget refusal speaks of this app and shows the limit as set', async () => {
    const provider = createRoutekit({ models: { 'openai/gpt-4.1-mini': openai.chat('gpt-4.1-mini') }, spendLimits: { global: { limits: { daily_usd: 0.00001 } } } });
    const error = await generateText({ model: provider('auto'), prompt: 'Hi', maxRetries: 0 }).then(() => undefined, (caught: unknown) => caught as Error);
    expect(error!.message).toMatch(/^Spend limit daily_usd of \$0\.00001 for this app would be exceeded by openai\/gpt-4\.1-mini: \$0 spent, this call needs at least \$0\.\d+\.$/);
    const middleware = wrapLanguageModel({ model: openai.chat('gpt-4.1-mini') as LanguageModelV4, middleware: routekitMiddleware({ spendLimits: { global: { limits: { daily_usd: 0.00001 } } } }) });
    await expect(generateText({ model: middleware, prompt: 'Hi', maxRetries: 0 })).rejects.toThrow(/for this app/);
  });
});
