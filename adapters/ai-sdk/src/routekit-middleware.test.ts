import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { BudgetExceededError, ConfigurationError, RateLimitedError, type Receipt } from '@routekit/core';
import { generateText, isStepCount, Output, streamText, tool, wrapLanguageModel } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routekitMiddleware } from './index.js';
import { answering, generated, lastUserText, streamed, usage } from './test-models.js';

const receiptOf = (metadata: unknown) => (metadata as { routekit: Receipt }).routekit;

/** A mock that calls `weather` first, then answers with what the tool returned. */
function weatherModel(): MockLanguageModelV4 {
  const toolResultText = (options: LanguageModelV4CallOptions) => JSON.stringify(options.prompt.at(-1)?.content[0]);
  return new MockLanguageModelV4({
    provider: 'openai.chat',
    modelId: 'gpt-4.1-mini',
    doGenerate: async (options) =>
      options.prompt.at(-1)?.role === 'tool'
        ? generated(`Tool result: ${toolResultText(options)}`)
        : { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] },
    doStream: async (options) =>
      options.prompt.at(-1)?.role === 'tool'
        ? streamed('Tool done.')
        : {
            stream: convertArrayToReadableStream<LanguageModelV4StreamPart>([
              { type: 'stream-start', warnings: [] },
              { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}' },
              { type: 'finish', usage, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
            ]),
          },
  });
}

describe('routekitMiddleware around one MockLanguageModelV4', () => {
  const mockModel = (text = 'Hello back.') => new MockLanguageModelV4({ provider: 'openai.chat', modelId: 'gpt-4.1-mini', doGenerate: async () => generated(text), doStream: async () => streamed(text) });

  it('generateText and streamText: the wrapped model answers, with the receipt (catalog id from provider and model id)', async () => {
    const inner = mockModel();
    const model = wrapLanguageModel({ model: inner, middleware: routekitMiddleware() });
    const result = await generateText({ model, prompt: 'Hello' });
    expect(result.text).toBe('Hello back.');
    expect(receiptOf(result.providerMetadata)).toMatchObject({ winner: 'openai/gpt-4.1-mini', strategy: 'explicit', status: 'ok', tokens: { prompt: 10, completion: 5 } });
    const stream = streamText({ model, prompt: 'Hello' });
    expect(await stream.text).toBe('Hello back.');
    expect(receiptOf(await stream.providerMetadata)).toMatchObject({ winner: 'openai/gpt-4.1-mini', stream: true });
    expect(inner.doGenerateCalls).toHaveLength(1);
    expect(inner.doStreamCalls).toHaveLength(1);
  });

  it('catalogId names the catalog entry when the model id is not one', async () => {
    const inner = new MockLanguageModelV4({ provider: 'azure.chat', modelId: 'my-deployment', doGenerate: async () => generated('hi') });
    await expect(generateText({ model: wrapLanguageModel({ model: inner, middleware: routekitMiddleware() }), prompt: 'Hi' })).rejects.toThrow(/azure\/my-deployment.*catalogId/);
    const model = wrapLanguageModel({ model: inner, middleware: routekitMiddleware({ catalogId: 'openai/gpt-4.1' }) });
    expect(receiptOf((await generateText({ model, prompt: 'Hi' })).providerMetadata).winner).toBe('openai/gpt-4.1');
  });

  it('tool calls over several steps with stopWhen (generate and stream)', async () => {
    const inner = weatherModel();
    const model = wrapLanguageModel({ model: inner, middleware: routekitMiddleware() });
    const cities: string[] = [];
    const weather = tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => (cities.push(city), { celsius: 4 }) });
    const result = await generateText({ model, prompt: 'Weather in Oslo?', tools: { weather }, stopWhen: isStepCount(3) });
    expect(result.steps).toHaveLength(2);
    expect(result.text).toContain('"celsius":4');
    const stream = streamText({ model, prompt: 'Weather in Oslo?', tools: { weather }, stopWhen: isStepCount(3) });
    expect(await stream.text).toBe('Tool done.');
    expect(cities).toEqual(['Oslo', 'Oslo']);
  });

  it('structured output with Output.object and a zod schema', async () => {
    const inner = mockModel('{"name":"Ada","age":36}');
    const model = wrapLanguageModel({ model: inner, middleware: routekitMiddleware() });
    const result = await generateText({ model, prompt: 'Who?', output: Output.object({ schema: z.object({ name: z.string(), age: z.number() }) }) });
    expect(result.output).toEqual({ name: 'Ada', age: 36 });
    expect(inner.doGenerateCalls[0]?.responseFormat).toMatchObject({ type: 'json', schema: { type: 'object' } });
  });

  it('abort reaches the wrapped model and rejects the call', async () => {
    let seen: AbortSignal | undefined;
    const inner = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-4.1-mini',
      doGenerate: (options) =>
        new Promise((_resolve, reject) => {
          seen = options.abortSignal;
          options.abortSignal?.addEventListener('abort', () => reject(options.abortSignal?.reason));
        }),
    });
    const model = wrapLanguageModel({ model: inner, middleware: routekitMiddleware() });
    const controller = new AbortController();
    const pending = generateText({ model, prompt: 'Hello', abortSignal: controller.signal, maxRetries: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(seen?.aborted).toBe(true);
  });

  it('PII: the wrapped model sees placeholders, the app the original values', async () => {
    const inner = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-4.1-mini',
      doGenerate: async (options) => generated(`Calling ${lastUserText(options).match(/<PHONE_[^>]+>/)?.[0] ?? 'nobody'}.`),
      doStream: async (options) => streamed(`Calling ${lastUserText(options).match(/<PHONE_[^>]+>/)?.[0] ?? 'nobody'} now.`),
    });
    const model = wrapLanguageModel({ model: inner, middleware: routekitMiddleware({ pii: true }) });
    const result = await generateText({ model, prompt: 'Call +1 415 555 0132 please' });
    expect(lastUserText(inner.doGenerateCalls[0]!)).not.toContain('555');
    expect(result.text).toBe('Calling +1 415 555 0132.');
    const stream = streamText({ model, prompt: 'Call +1 415 555 0132 please' });
    expect(await stream.text).toBe('Calling +1 415 555 0132 now.');
    expect(lastUserText(inner.doStreamCalls[0]!)).not.toContain('555');
  });

  it('a cache hit never calls the wrapped model', async () => {
    const inner = mockModel('Paris.');
    const model = wrapLanguageModel({ model: inner, middleware: routekitMiddleware({ cache: true }) });
    await generateText({ model, prompt: 'What is the capital of France?' });
    const hit = await generateText({ model, prompt: 'What is the capital of France?' });
    expect(hit.text).toBe('Paris.');
    expect(inner.doGenerateCalls).toHaveLength(1);
    expect(receiptOf(hit.providerMetadata).cache).toMatchObject({ status: 'hit' });
  });

  it('a spend limit stops the call', async () => {
    const inner = mockModel();
    const model = wrapLanguageModel({ model: inner, middleware: routekitMiddleware({ spendLimits: { perTenant: { limits: { per_request_usd: 0.000001 } } } }) });
    await expect(generateText({ model, prompt: 'Hello', maxRetries: 0 })).rejects.toBeInstanceOf(BudgetExceededError);
    expect(inner.doGenerateCalls).toHaveLength(0);
  });

  it('names a misspelled option', () => {
    expect(() => routekitMiddleware({ pi: true } as never)).toThrow(/pi is not an option; did you mean pii\?/);
    expect(() => routekitMiddleware({ cache: { similarityTreshold: 0.9 } } as never)).toThrow(/cache.similarityTreshold is not an option; did you mean similarityThreshold\?/);
    expect(() => routekitMiddleware({ models: {} } as never)).toThrow(ConfigurationError);
  });

  it('wraps several models, each answering as itself, under one set of limits', async () => {
    const middleware = routekitMiddleware({ cache: true, rateLimits: { global: { requestsPerMinute: 2 } } });
    const mini = wrapLanguageModel({ model: answering('from mini', 'gpt-4.1-mini'), middleware });
    const full = wrapLanguageModel({ model: new MockLanguageModelV4({ provider: 'openai.chat', modelId: 'gpt-4.1', doGenerate: async () => generated('from full') }), middleware });
    expect((await generateText({ model: mini, prompt: 'Same question?' })).text).toBe('from mini');
    // The cache key includes the model asked for: the other model does not get mini's answer.
    const answer = await generateText({ model: full, prompt: 'Same question?' });
    expect(answer.text).toBe('from full');
    expect(receiptOf(answer.providerMetadata).winner).toBe('openai/gpt-4.1');
    // The two models share the middleware's one rate limit.
    await expect(generateText({ model: mini, prompt: 'Third call', maxRetries: 0 })).rejects.toBeInstanceOf(RateLimitedError);
  });
});
