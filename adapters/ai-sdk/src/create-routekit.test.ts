import { APICallError, NoSuchModelError, type LanguageModelV4CallOptions, type LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { BudgetExceededError, ConfigurationError, RateLimitedError, type ModelInfo, type Receipt } from '@routekit/core';
import { generateText, isStepCount, Output, streamText, tool } from 'ai';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRoutekit } from './index.js';
import { answering, generated, lastUserText, streamed, usage } from './test-models.js';

const receiptOf = (metadata: unknown) => (metadata as { routekit: Receipt }).routekit;
// One test passes a delegate warning through on purpose; the AI SDK would print it.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

/** A catalog model cheaper than every shipped one, without tools or JSON mode. */
const plainModel: ModelInfo = {
  id: 'local/plain',
  provider: 'local',
  upstreamModel: 'plain',
  inputPricePerMillion: 0,
  outputPricePerMillion: 0,
  contextWindow: 32_000,
  maxOutputTokens: 4096,
  capabilities: { tools: false, vision: false, jsonMode: false },
  quality: 0.85,
  typicalTimeToFirstTokenMs: 100,
  typicalTokensPerSecond: 100,
};

describe('createRoutekit with MockLanguageModelV4 delegates', () => {
  it('generateText: routes auto to the cheaper model, returns its answer, usage, real model id and the receipt', async () => {
    const strong = answering('strong answer', 'gpt-4.1');
    const weak = answering('weak answer', 'gpt-4.1-mini');
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1': strong, 'openai/gpt-4.1-mini': weak } });
    const result = await generateText({ model: routekit('auto'), prompt: 'What is the capital of France?' });
    expect(result.text).toBe('weak answer');
    expect(strong.doGenerateCalls).toHaveLength(0);
    expect(result.response.modelId).toBe('gpt-4.1-mini');
    expect(result.usage.inputTokens).toBe(10);
    expect(result.finishReason).toBe('stop');
    const receipt = receiptOf(result.providerMetadata);
    expect(receipt).toMatchObject({ winner: 'openai/gpt-4.1-mini', model_requested: 'auto', strategy: 'auto', status: 'ok' });
    expect(receipt.tokens).toMatchObject({ prompt: 10, completion: 5 });
    expect(await routekit.engine.receipts.get(receipt.request_id)).toMatchObject({ winner: 'openai/gpt-4.1-mini' });
  });

  it('an explicit id calls that model; router-lr-0 picks the strong one', async () => {
    const strong = answering('strong', 'gpt-4.1');
    const weak = answering('weak', 'gpt-4.1-mini');
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1': strong, 'openai/gpt-4.1-mini': weak } });
    expect((await generateText({ model: routekit('openai/gpt-4.1'), prompt: 'Hi' })).text).toBe('strong');
    expect((await generateText({ model: routekit.languageModel('router-lr-0'), prompt: 'Prove there are infinitely many primes.' })).text).toBe('strong');
    expect((await generateText({ model: routekit('router@q:0|c:1'), prompt: 'Hi' })).text).toBe('weak');
  });

  it('streamText: text, finish and the receipt on the finish part', async () => {
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': answering('one two three', 'gpt-4.1-mini') } });
    const result = streamText({ model: routekit('auto'), prompt: 'Count to three.' });
    let text = '';
    for await (const piece of result.textStream) text += piece;
    expect(text).toBe('one two three');
    expect((await result.response).modelId).toBe('gpt-4.1-mini');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBe(5);
    const metadata = await result.providerMetadata;
    expect(metadata?.mock).toEqual({ marker: 1 });
    expect(receiptOf(metadata)).toMatchObject({ winner: 'openai/gpt-4.1-mini', stream: true, status: 'ok' });
  });

  it('tool calls over several steps with stopWhen, routed only among tool-capable models', async () => {
    const plain = answering('no tools here', 'plain');
    let calls = 0;
    const toolModel = new MockLanguageModelV4({
      modelId: 'gpt-4.1-mini',
      doGenerate: async (options) => {
        calls += 1;
        if (options.prompt.at(-1)?.role === 'tool') return generated('It is 21 degrees in Paris.');
        return { content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] };
      },
    });
    const routekit = createRoutekit({ models: { 'local/plain': plain, 'openai/gpt-4.1-mini': toolModel }, catalog: [plainModel] });
    const seen: string[] = [];
    const result = await generateText({
      model: routekit('auto'),
      prompt: 'Weather in Paris?',
      tools: { weather: tool({ description: 'Weather of a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => (seen.push(city), { city, celsius: 21 }) }) },
      stopWhen: isStepCount(3),
    });
    expect(seen).toEqual(['Paris']);
    expect(result.steps).toHaveLength(2);
    expect(result.text).toBe('It is 21 degrees in Paris.');
    expect(calls).toBe(2);
    expect(plain.doGenerateCalls).toHaveLength(0);
    const receipt = receiptOf(result.providerMetadata);
    expect(receipt.candidates.find((candidate) => candidate.model === 'local/plain')).toMatchObject({ eligible: false, rejected_because: 'no tool support' });
    // The tool result went back to the model in the AI SDK's own shape.
    expect(toolModel.doGenerateCalls[1]?.prompt.at(-1)).toMatchObject({ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call-1', output: { type: 'json', value: { city: 'Paris', celsius: 21 } } }] });
    // Without tools, the cheaper plain model answers.
    expect((await generateText({ model: routekit('auto'), prompt: 'Hello' })).text).toBe('no tools here');
  });

  it('streams tool calls with their input deltas and the tool-call part', async () => {
    const model = new MockLanguageModelV4({
      modelId: 'gpt-4.1-mini',
      doStream: async (options) =>
        options.prompt.at(-1)?.role === 'tool'
          ? streamed('Done.')
          : {
              stream: convertArrayToReadableStream<LanguageModelV4StreamPart>([
                { type: 'stream-start', warnings: [] },
                { type: 'tool-input-start', id: 'call-1', toolName: 'weather' },
                { type: 'tool-input-delta', id: 'call-1', delta: '{"city":' },
                { type: 'tool-input-delta', id: 'call-1', delta: '"Paris"}' },
                { type: 'tool-input-end', id: 'call-1' },
                { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' },
                { type: 'finish', usage, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
              ]),
            },
    });
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': model } });
    const seen: string[] = [];
    const result = streamText({
      model: routekit('auto'),
      prompt: 'Weather in Paris?',
      tools: { weather: tool({ inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => (seen.push(city), 'sunny') }) },
      stopWhen: isStepCount(2),
    });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(seen).toEqual(['Paris']);
    expect(await result.text).toBe('Done.');
    expect(types).toEqual(expect.arrayContaining(['tool-input-start', 'tool-input-delta', 'tool-input-end', 'tool-call', 'tool-result', 'text-delta']));
  });

  it('structured output: the JSON schema reaches the delegate and routing keeps to JSON-mode models', async () => {
    const plain = answering('not json', 'plain');
    const json = new MockLanguageModelV4({ modelId: 'gpt-4.1-mini', doGenerate: async () => generated('{"name":"Ada","age":36}') });
    const routekit = createRoutekit({ models: { 'local/plain': plain, 'openai/gpt-4.1-mini': json }, catalog: [plainModel] });
    const result = await generateText({ model: routekit('auto'), prompt: 'Who wrote the first program?', output: Output.object({ schema: z.object({ name: z.string(), age: z.number() }) }) });
    expect(result.output).toEqual({ name: 'Ada', age: 36 });
    expect(json.doGenerateCalls[0]?.responseFormat).toMatchObject({ type: 'json', schema: { type: 'object', properties: { name: { type: 'string' } } } });
    expect(receiptOf(result.providerMetadata).candidates.find((candidate) => candidate.model === 'local/plain')).toMatchObject({ eligible: false, rejected_because: 'no JSON mode' });
  });

  it('passes reasoning, files, provider options and headers to the delegate untouched, and reasoning back to the app', async () => {
    const model = new MockLanguageModelV4({
      modelId: 'gpt-4.1-mini',
      doGenerate: async () => ({ ...generated('Answer.', [{ type: 'reasoning', text: 'Thinking it over.' }]), providerMetadata: { openai: { id: 'x' } }, warnings: [{ type: 'other', message: 'note' }] }),
    });
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': model } });
    const pdf = new Uint8Array([37, 80, 68, 70]);
    const result = await generateText({
      model: routekit('auto'),
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Summarise this.' }, { type: 'file', data: pdf, mediaType: 'application/pdf' }] }],
      reasoning: 'high',
      providerOptions: { openai: { store: false }, routekit: { tenant: 'team-a' } },
      headers: { 'x-app': 'demo' },
    });
    const call = model.doGenerateCalls[0]!;
    expect(call.reasoning).toBe('high');
    expect(call.providerOptions).toEqual({ openai: { store: false } });
    expect(call.headers).toMatchObject({ 'x-app': 'demo' });
    const user = call.prompt.find((message) => message.role === 'user');
    expect(user?.content[1]).toMatchObject({ type: 'file', mediaType: 'application/pdf' });
    expect(result.reasoningText).toBe('Thinking it over.');
    expect(result.text).toBe('Answer.');
    expect(result.warnings).toEqual([{ type: 'other', message: 'note' }]);
    expect(result.providerMetadata?.openai).toEqual({ id: 'x' });
    expect(receiptOf(result.providerMetadata).tenant).toBe('team-a');
  });

  it('streams reasoning parts through, before the text', async () => {
    const model = new MockLanguageModelV4({
      modelId: 'o4-mini',
      doStream: async () => streamed('Forty-two.', [{ type: 'reasoning-start', id: 'r1' }, { type: 'reasoning-delta', id: 'r1', delta: 'Let me think.' }, { type: 'reasoning-end', id: 'r1' }]),
    });
    const routekit = createRoutekit({ models: { 'openai/o4-mini': model } });
    const result = streamText({ model: routekit('auto'), prompt: 'The answer?' });
    expect(await result.text).toBe('Forty-two.');
    expect(await result.reasoningText).toBe('Let me think.');
  });

  it('falls back to the next candidate when the first fails before its first token (generate and stream)', async () => {
    const failure = () => new APICallError({ message: 'overloaded', url: 'http://mock', requestBodyValues: {}, statusCode: 503, isRetryable: true });
    const weak = new MockLanguageModelV4({
      modelId: 'gpt-4.1-mini',
      doGenerate: async () => {
        throw failure();
      },
      doStream: async () => ({ stream: convertArrayToReadableStream<LanguageModelV4StreamPart>([{ type: 'stream-start', warnings: [] }, { type: 'error', error: failure() }]) }),
    });
    const strong = answering('from the fallback', 'gpt-4.1');
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1': strong, 'openai/gpt-4.1-mini': weak } });
    const result = await generateText({ model: routekit('auto'), prompt: 'Hello', maxRetries: 0 });
    expect(result.text).toBe('from the fallback');
    const receipt = receiptOf(result.providerMetadata);
    expect(receipt.fallback_attempts).toBe(1);
    expect(receipt.attempts[0]).toMatchObject({ model: 'openai/gpt-4.1-mini', outcome: 'failed', upstream_status: 503 });
    expect(receipt.attempts.at(-1)).toMatchObject({ model: 'openai/gpt-4.1', outcome: 'ok' });
    expect(strong.doGenerateCalls).toHaveLength(1);
    const stream = streamText({ model: routekit('auto'), prompt: 'Hello', maxRetries: 0 });
    expect(await stream.text).toBe('from the fallback');
    expect((await stream.response).modelId).toBe('gpt-4.1');
    expect(receiptOf(await stream.providerMetadata).fallback_attempts).toBe(1);
  });

  it('does not fall back on a client error and gives the app the delegate\'s own error', async () => {
    const badRequest = new APICallError({ message: 'bad request', url: 'http://mock', requestBodyValues: {}, statusCode: 400, isRetryable: false });
    const weak = new MockLanguageModelV4({
      modelId: 'gpt-4.1-mini',
      doGenerate: async () => {
        throw badRequest;
      },
    });
    const strong = answering('never', 'gpt-4.1');
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1': strong, 'openai/gpt-4.1-mini': weak } });
    await expect(generateText({ model: routekit('auto'), prompt: 'Hello', maxRetries: 0 })).rejects.toBe(badRequest);
    expect(strong.doGenerateCalls).toHaveLength(0);
  });

  it('abort: the delegate gets the signal, the call rejects, and the receipt says aborted', async () => {
    let delegateSignal: AbortSignal | undefined;
    const slow = new MockLanguageModelV4({
      modelId: 'gpt-4.1-mini',
      doGenerate: (options: LanguageModelV4CallOptions) =>
        new Promise((_resolve, reject) => {
          delegateSignal = options.abortSignal;
          options.abortSignal?.addEventListener('abort', () => reject(options.abortSignal?.reason));
        }),
    });
    const other = answering('never', 'gpt-4.1');
    const finished: Receipt[] = [];
    const receipts = { put: async (receipt: Receipt) => void finished.push(receipt), get: async () => undefined };
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': slow, 'openai/gpt-4.1': other }, receipts });
    const controller = new AbortController();
    const pending = generateText({ model: routekit('auto'), prompt: 'Hello', abortSignal: controller.signal, maxRetries: 0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(delegateSignal?.aborted).toBe(true);
    expect(other.doGenerateCalls).toHaveLength(0);
    expect(finished.at(-1)?.status).toBe('aborted');
  });

  it('abort while streaming reaches the delegate and ends the stream', async () => {
    let delegateAborted = false;
    const model = new MockLanguageModelV4({
      modelId: 'gpt-4.1-mini',
      // Like a fetch-based provider: the abort signal errors the open response stream.
      doStream: async (options) => ({
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          start(controller) {
            controller.enqueue({ type: 'stream-start', warnings: [] });
            controller.enqueue({ type: 'text-start', id: 't' });
            controller.enqueue({ type: 'text-delta', id: 't', delta: 'first ' });
            options.abortSignal?.addEventListener('abort', () => {
              delegateAborted = true;
              controller.error(options.abortSignal?.reason);
            });
          },
        }),
      }),
    });
    const finished: Receipt[] = [];
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': model }, receipts: { put: async (receipt) => void finished.push(receipt), get: async () => undefined } });
    const controller = new AbortController();
    const result = streamText({ model: routekit('auto'), prompt: 'Hello', abortSignal: controller.signal });
    const texts: string[] = [];
    for await (const piece of result.textStream) {
      texts.push(piece);
      controller.abort();
    }
    expect(texts).toEqual(['first ']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(delegateAborted).toBe(true);
    expect(finished.at(-1)?.status).toBe('aborted');
  });

  it('PII: the delegate sees placeholders, the app the original values (generate, stream, tool arguments)', async () => {
    const echo = new MockLanguageModelV4({
      modelId: 'gpt-4.1-mini',
      doGenerate: async (options) => {
        const text = lastUserText(options);
        const email = text.match(/<EMAIL_[^>]+>/)?.[0] ?? 'none';
        return { ...generated(`I will write to ${email}.`), content: [{ type: 'text', text: `I will write to ${email}.` }, { type: 'tool-call', toolCallId: 'c1', toolName: 'send', input: JSON.stringify({ to: email }) }] };
      },
      doStream: async (options) => streamed(`Writing to ${lastUserText(options).match(/<EMAIL_[^>]+>/)?.[0] ?? 'none'} now.`),
    });
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': echo }, pii: true });
    const result = await generateText({ model: routekit('auto'), prompt: 'Mail ana@example.com please', tools: { send: tool({ inputSchema: z.object({ to: z.string() }) }) } });
    expect(lastUserText(echo.doGenerateCalls[0]!)).not.toContain('ana@example.com');
    expect(lastUserText(echo.doGenerateCalls[0]!)).toMatch(/<EMAIL_/);
    expect(result.text).toBe('I will write to ana@example.com.');
    expect(result.toolCalls[0]?.input).toEqual({ to: 'ana@example.com' });
    expect(receiptOf(result.providerMetadata).pii).toMatchObject({ action: 'redact', detected: { EMAIL: 1 } });
    const stream = streamText({ model: routekit('auto'), prompt: 'Mail bob@example.org please' });
    expect(await stream.text).toBe('Writing to bob@example.org now.');
    expect(lastUserText(echo.doStreamCalls[0]!)).not.toContain('bob@example.org');
  });

  it('PII in streamed tool input: placeholders split across deltas are restored in the deltas and the tool call', async () => {
    const model = new MockLanguageModelV4({
      modelId: 'gpt-4.1-mini',
      doStream: async (options) => {
        const input = JSON.stringify({ to: lastUserText(options).match(/<EMAIL_[^>]+>/)?.[0] ?? 'none' });
        return {
          stream: convertArrayToReadableStream<LanguageModelV4StreamPart>([
            { type: 'stream-start', warnings: [] },
            { type: 'tool-input-start', id: 'c1', toolName: 'send' },
            { type: 'tool-input-delta', id: 'c1', delta: input.slice(0, 12) },
            { type: 'tool-input-delta', id: 'c1', delta: input.slice(12) },
            { type: 'tool-input-end', id: 'c1' },
            { type: 'tool-call', toolCallId: 'c1', toolName: 'send', input },
            { type: 'finish', usage, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
          ]),
        };
      },
    });
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': model }, pii: true });
    const result = streamText({ model: routekit('auto'), prompt: 'Mail ana@example.com', tools: { send: tool({ inputSchema: z.object({ to: z.string() }) }) } });
    let streamedInput = '';
    for await (const part of result.fullStream) if (part.type === 'tool-input-delta') streamedInput += part.delta;
    expect(streamedInput).toBe('{"to":"ana@example.com"}');
    expect((await result.toolCalls)[0]?.input).toEqual({ to: 'ana@example.com' });
    expect(JSON.stringify(model.doStreamCalls[0]?.prompt)).not.toContain('ana@example.com');
  });

  it('a cache hit never calls the delegate (generate and stream)', async () => {
    const model = answering('Paris.', 'gpt-4.1-mini');
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': model }, cache: true });
    await generateText({ model: routekit('auto'), prompt: 'What is the capital of France?' });
    const hit = await generateText({ model: routekit('auto'), prompt: 'What is the capital of France?' });
    expect(hit.text).toBe('Paris.');
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(receiptOf(hit.providerMetadata).cache).toMatchObject({ status: 'hit', kind: 'exact' });
    expect(hit.response.modelId).toBe('openai/gpt-4.1-mini');
    await streamText({ model: routekit('auto'), prompt: 'Name the capital of Italy.' }).consumeStream();
    const streamHit = streamText({ model: routekit('auto'), prompt: 'Name the capital of Italy.' });
    expect(await streamHit.text).toBe('Paris.');
    expect(model.doStreamCalls).toHaveLength(1);
    expect(receiptOf(await streamHit.providerMetadata).cache).toMatchObject({ status: 'hit' });
    // Different provider options are a different question for the cache.
    await generateText({ model: routekit('auto'), prompt: 'What is the capital of France?', reasoning: 'high' });
    expect(model.doGenerateCalls).toHaveLength(2);
    // And a call can opt out.
    await generateText({ model: routekit('auto'), prompt: 'What is the capital of France?', providerOptions: { routekit: { cache: false } } });
    expect(model.doGenerateCalls).toHaveLength(3);
  });

  it('a spend limit stops the call before the delegate is called', async () => {
    const model = answering('never', 'gpt-4.1');
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1': model }, spendLimits: { global: { limits: { per_request_usd: 0.000001 } } } });
    await expect(generateText({ model: routekit('auto'), prompt: 'Write a long essay.', maxRetries: 0 })).rejects.toBeInstanceOf(BudgetExceededError);
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('a rate limit refuses the call past the limit, per tenant', async () => {
    const model = answering('ok', 'gpt-4.1-mini');
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': model }, rateLimits: { perTenant: { requestsPerMinute: 1 } } });
    await generateText({ model: routekit('auto'), prompt: 'One' });
    await expect(generateText({ model: routekit('auto'), prompt: 'Two', maxRetries: 0 })).rejects.toBeInstanceOf(RateLimitedError);
    expect(model.doGenerateCalls).toHaveLength(1);
    const other = await generateText({ model: routekit('auto'), prompt: 'Two', providerOptions: { routekit: { tenant: 'team-b' } } });
    expect(other.text).toBe('ok');
  });

  it('is an AI SDK provider: v4, languageModel, NoSuchModelError for other model kinds', () => {
    const routekit = createRoutekit({ models: { 'openai/gpt-4.1-mini': answering('x') } });
    expect(routekit.specificationVersion).toBe('v4');
    expect(routekit('auto')).toMatchObject({ specificationVersion: 'v4', provider: 'routekit', modelId: 'auto' });
    expect(() => routekit.embeddingModel('x')).toThrow(NoSuchModelError);
    expect(() => routekit.imageModel('x')).toThrow(NoSuchModelError);
  });

  it('names a misspelled option, a model that is not V4 and an unknown per-call option', async () => {
    const models = { 'openai/gpt-4.1-mini': answering('x') };
    expect(() => createRoutekit({ models, caches: true } as never)).toThrow(ConfigurationError);
    expect(() => createRoutekit({ models, caches: true } as never)).toThrow(/caches is not an option; did you mean cache\?/);
    expect(() => createRoutekit({ modles: models } as never)).toThrow(/did you mean models\?/);
    // In-process calls carry no API key: a per-key limit could never apply.
    expect(() => createRoutekit({ models, rateLimits: { perKey: { requestsPerMinute: 1 } } })).toThrow(/rateLimits.perKey/);
    expect(() => createRoutekit({ models: { 'openai/gpt-4.1-mini': { specificationVersion: 'v3' } } } as never)).toThrow(/models\["openai\/gpt-4.1-mini"\]/);
    const routekit = createRoutekit({ models });
    await expect(generateText({ model: routekit('auto'), prompt: 'Hi', providerOptions: { routekit: { tenat: 'x' } } })).rejects.toThrow(/tenat/);
  });
});
