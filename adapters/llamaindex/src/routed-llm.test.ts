import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BudgetExceededError, ConfigurationError, InvalidRequestError, type ChatRequest, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import type { ChatMessage, ChatResponseChunk, ToolCallLLMMessageOptions } from '@llamaindex/core/llms';
import { OpenAI } from '@llamaindex/openai';
import { tool } from 'llamaindex';
import { z } from 'zod';
import { RoutedLLM, type RoutedLLMOptions } from './index.js';

let mock: MockUpstream;

/** Echoes the last user text, calls `get_weather` with a real argument, or answers a tool result. */
function reply(request: ChatRequest) {
  const last = request.messages.at(-1)!;
  if (last.role === 'tool') return `Tool said: ${String(last.content)}`;
  if (request.tools?.some((tool) => tool.function.name === 'format_output')) return { tool_calls: [{ name: 'format_output', arguments: '{"name":"Ada","age":36}' }] };
  if ((request.tools?.length ?? 0) > 0) return { tool_calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] };
  return `Echo from ${request.model}: ${typeof last.content === 'string' ? last.content : ''}`;
}

beforeAll(async () => {
  mock = await startMockUpstream({ reply });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

// maxRetries 0: fallback is routekit's job; the SDK's own retries would only delay it.
const openai = (model: string) => new OpenAI({ model, apiKey: 'test', baseURL: mock.url, maxRetries: 0 });
const routed = (options: Partial<RoutedLLMOptions> = {}) => new RoutedLLM({ llms: { 'openai/gpt-4.1': openai('gpt-4.1'), 'openai/gpt-4.1-mini': openai('gpt-4.1-mini') }, ...options });
const user = (content: string): ChatMessage => ({ role: 'user', content });
const weather = tool({ name: 'get_weather', description: 'The weather in a city', parameters: z.object({ city: z.string() }), execute: ({ city }) => `Sunny in ${city}` });

async function collect(stream: AsyncIterable<ChatResponseChunk<ToolCallLLMMessageOptions>>) {
  const chunks: ChatResponseChunk<ToolCallLLMMessageOptions>[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { text: chunks.map((chunk) => chunk.delta).join(''), chunks, receipt: (chunks.at(-1)!.raw as { routekit: Receipt }).routekit };
}

const receiptOf = (raw: object | null) => (raw as { routekit: Receipt }).routekit;
const sentBodies = () => mock.requests.filter((request) => request.path === '/v1/chat/completions').map((request) => request.body as ChatRequest);

describe('RoutedLLM over @llamaindex/openai on the mock upstream', () => {
  it('routes a chat to the model the router picks and puts the receipt on raw.routekit', async () => {
    const llm = routed();
    const response = await llm.chat({ messages: [user('What is the capital of France?')] });
    expect(response.message).toEqual({ role: 'assistant', content: 'Echo from gpt-4.1-mini: What is the capital of France?' });
    expect(sentBodies().map((body) => body.model)).toEqual(['gpt-4.1-mini']);
    const receipt = receiptOf(response.raw);
    expect(receipt).toMatchObject({ winner: 'openai/gpt-4.1-mini', model_requested: 'auto', status: 'ok', default_model: 'openai/gpt-4.1' });
    expect(receipt.tokens.estimated).toBe(false);
    expect(await llm.engine.receipts.get(receipt.request_id)).toEqual(receipt);
  });

  it('routes with a threshold router string to the strong model', async () => {
    const response = await routed({ model: 'router-lr-0' }).chat({ messages: [user('Prove that there are infinitely many primes.')] });
    expect(receiptOf(response.raw).winner).toBe('openai/gpt-4.1');
    expect(sentBodies()[0]!.model).toBe('gpt-4.1');
  });

  it('streams chat: deltas as they come, the receipt on the last chunk once finished', async () => {
    const { text, chunks, receipt } = await collect(await routed().chat({ messages: [user('Say hello')], stream: true }));
    expect(text).toBe('Echo from gpt-4.1-mini: Say hello');
    expect(chunks.length).toBeGreaterThan(3);
    expect(sentBodies()[0]!.stream).toBe(true);
    expect(receipt).toMatchObject({ winner: 'openai/gpt-4.1-mini', stream: true, status: 'ok' });
    expect(receipt.time_to_first_token_ms).not.toBeNull();
  });

  it('completes a prompt, streaming and not, with the receipt on raw', async () => {
    const llm = routed();
    const completion = await llm.complete({ prompt: 'Name a colour' });
    expect(completion.text).toBe('Echo from gpt-4.1-mini: Name a colour');
    expect(receiptOf(completion.raw).status).toBe('ok');
    const pieces: string[] = [];
    let last: object | null = null;
    for await (const piece of await llm.complete({ prompt: 'Name a colour', stream: true })) {
      pieces.push(piece.text);
      last = piece.raw;
    }
    expect(pieces.join('')).toBe('Echo from gpt-4.1-mini: Name a colour');
    expect(receiptOf(last).winner).toBe('openai/gpt-4.1-mini');
  });

  it('returns tool calls in options.toolCall with an object input, streaming and not', async () => {
    const llm = routed();
    const response = await llm.chat({ messages: [user('Weather in Paris?')], tools: [weather] });
    expect(response.message.options).toEqual({ toolCall: [{ id: expect.stringMatching(/^call_/), name: 'get_weather', input: { city: 'Paris' } }] });
    expect(sentBodies()[0]!.tools).toEqual([{ type: 'function', function: expect.objectContaining({ name: 'get_weather', parameters: expect.objectContaining({ type: 'object' }) }) }]);
    const { chunks } = await collect(await llm.chat({ messages: [user('Weather in Paris?')], tools: [weather], stream: true }));
    const withCalls = chunks.filter((chunk) => chunk.options !== undefined && 'toolCall' in chunk.options);
    expect(withCalls).toHaveLength(1);
    expect(withCalls[0]!.options).toEqual({ toolCall: [{ id: expect.stringMatching(/^call_/), name: 'get_weather', input: { city: 'Paris' } }] });
  });

  it('sends tool calls (input as object or JSON string) and tool results on as OpenAI messages', async () => {
    const messages: ChatMessage<ToolCallLLMMessageOptions>[] = [
      user('Weather in Paris and Rome?'),
      { role: 'assistant', content: '', options: { toolCall: [{ id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }, { id: 'call_2', name: 'get_weather', input: '{"city":"Rome"}' }] } },
      { role: 'user', content: 'Sunny in Paris', options: { toolResult: { id: 'call_1', result: 'Sunny in Paris', isError: false } } },
      { role: 'user', content: 'Rain in Rome', options: { toolResult: { id: 'call_2', result: 'Rain in Rome', isError: false } } },
    ];
    const response = await routed().chat({ messages, tools: [weather] });
    expect(response.message.content).toBe('Tool said: Rain in Rome');
    expect(sentBodies()[0]!.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Sunny in Paris' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Rain in Rome' },
    ]);
  });

  it('gives structured output through exec({ responseFormat }), which LlamaIndex turns into a tool call', async () => {
    const result = await routed().exec({ messages: [user('Who wrote the first program?')], responseFormat: z.object({ name: z.string(), age: z.number() }) });
    expect(result.object).toEqual({ name: 'Ada', age: 36 });
  });

  it('reports the router in metadata and takes tool calls', () => {
    const llm = routed({ model: 'router-lr-0.3' });
    expect(llm.supportToolCall).toBe(true);
    expect(llm.metadata).toMatchObject({ model: 'routekit/router-lr-0.3', structuredOutput: false });
    expect(llm.metadata.contextWindow).toBeGreaterThan(100_000);
  });

  it('rejects a misspelled option by name, a bad model string, and responseFormat', async () => {
    expect(() => routed({ chache: true } as Partial<RoutedLLMOptions>)).toThrow(ConfigurationError);
    expect(() => routed({ chache: true } as Partial<RoutedLLMOptions>)).toThrow(/chache is not an option; did you mean cache\?/);
    expect(() => routed({ cache: { similarityTreshold: 0.95 } as never })).toThrow(/cache\.similarityTreshold.*similarityThreshold/);
    expect(() => routed({ rateLimits: { perKey: { requestsPerMinute: 5 } } })).toThrow(/rateLimits\.perKey/);
    expect(() => routed({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => routed({ model: 'router-lr-7' })).toThrow(/threshold/);
    await expect(routed().chat({ messages: [user('x')], responseFormat: z.object({ a: z.string() }) })).rejects.toThrow(InvalidRequestError);
  });
});

describe('RoutedLLM features (the engine decides, the LLM only answers)', () => {
  const email = 'jane.doe@example.com';

  it('redacts PII before the delegate sees it and restores it in what the app gets, streaming and not', async () => {
    const llm = routed({ pii: true });
    const response = await llm.chat({ messages: [user(`Write to ${email} please`)] });
    expect(JSON.stringify(sentBodies()[0])).not.toContain(email);
    expect(sentBodies()[0]!.messages[0]!.content).toMatch(/^Write to <EMAIL_1\w*> please$/);
    expect(response.message.content).toBe(`Echo from gpt-4.1-mini: Write to ${email} please`);
    const { text, receipt } = await collect(await llm.chat({ messages: [user(`Write to ${email} please`)], stream: true }));
    expect(JSON.stringify(sentBodies()[1])).not.toContain(email);
    expect(text).toBe(`Echo from gpt-4.1-mini: Write to ${email} please`);
    expect(receipt.pii?.detected).toEqual({ EMAIL: 1 });
  });

  it('answers a repeated question from the cache without calling the delegate', async () => {
    const llm = routed({ cache: true });
    const first = await llm.chat({ messages: [user('What is the tallest mountain on Earth?')] });
    const second = await llm.chat({ messages: [user('What is the tallest mountain on Earth?')] });
    expect(sentBodies()).toHaveLength(1);
    expect(second.message.content).toBe(first.message.content);
    expect(receiptOf(second.raw).cache?.status).toBe('hit');
    const { text } = await collect(await llm.chat({ messages: [user('What is the tallest mountain on Earth?')], stream: true }));
    expect(text).toBe(first.message.content);
    expect(sentBodies()).toHaveLength(1);
  });

  it('stops a call that would break a spend limit before any delegate is called', async () => {
    const llm = routed({ spendLimits: { global: { limits: { per_request_usd: 0.000001 } } } });
    await expect(llm.chat({ messages: [user('Hello there')] })).rejects.toThrow(BudgetExceededError);
    expect(sentBodies()).toHaveLength(0);
  });

  it('falls back to the next candidate when the chosen LLM fails before its first token, streaming and not', async () => {
    // No same-model retries, so the one failure moves on to the next candidate.
    const resilience = { attempts: { retries: 0 } };
    mock.failNext({ type: 'status', status: 503 }, 1);
    const response = await routed({ resilience }).chat({ messages: [user('Hello there')] });
    expect(response.message.content).toBe('Echo from gpt-4.1: Hello there');
    expect(receiptOf(response.raw)).toMatchObject({ winner: 'openai/gpt-4.1', fallback_attempts: 1, attempts: [{ model: 'openai/gpt-4.1-mini', outcome: 'failed', upstream_status: 503 }, { model: 'openai/gpt-4.1', outcome: 'ok' }] });
    mock.reset();
    mock.failNext({ type: 'status', status: 500 }, 1);
    const { text, receipt } = await collect(await routed({ resilience }).chat({ messages: [user('Hello there')], stream: true }));
    expect(text).toBe('Echo from gpt-4.1: Hello there');
    expect(receipt.fallback_attempts).toBe(1);
  });

  it('does not fall back on a 400 from the delegate, and says which model failed', async () => {
    mock.failNext({ type: 'status', status: 400 }, 1);
    await expect(routed().chat({ messages: [user('Hello there')] })).rejects.toMatchObject({ name: 'ProviderFailedError', failure: 'client_error', model: 'openai/gpt-4.1-mini' });
    expect(sentBodies()).toHaveLength(1);
  });
});

describe('RoutedLLM standard fields (temperature, topP, maxTokens, timeout, maxRetries)', () => {
  it('sends temperature, top_p and max_tokens to whichever LLM is chosen, and reports them in metadata', async () => {
    const llm = routed({ temperature: 0.3, topP: 0.8, maxTokens: 64 });
    await llm.chat({ messages: [user('What is the capital of France?')] });
    await routed({ temperature: 0.3, model: 'router-lr-0' }).chat({ messages: [user('Prove that there are infinitely many primes.')] });
    const [weak, strong] = sentBodies();
    expect(weak).toMatchObject({ model: 'gpt-4.1-mini', temperature: 0.3, top_p: 0.8, max_tokens: 64 });
    expect(strong).toMatchObject({ model: 'gpt-4.1', temperature: 0.3 });
    expect(llm.metadata).toMatchObject({ temperature: 0.3, topP: 0.8, maxTokens: 64 });
  });

  it('leaves each LLM’s own settings when unset, and keeps the app’s additionalChatOptions', async () => {
    const llm = new RoutedLLM({ llms: { 'openai/gpt-4.1-mini': new OpenAI({ model: 'gpt-4.1-mini', apiKey: 'test', baseURL: mock.url, maxRetries: 0, temperature: 0.9 }) } });
    await llm.chat({ messages: [user('Hi')], additionalChatOptions: { seed: 7 } });
    expect(sentBodies()[0]).toMatchObject({ temperature: 0.9, seed: 7 });
    expect(sentBodies()[0]!.max_tokens).toBeUndefined();
  });

  it('applies a spend limit’s output cap to the chosen LLM', async () => {
    await routed({ spendLimits: { global: { limits: { daily_usd: 5 } } } }).chat({ messages: [user('Hi')] });
    const body = sentBodies()[0]!;
    expect(body.max_tokens ?? body.max_completion_tokens).toBeGreaterThan(0);
  });

  it('maxRetries is how often a failing LLM is tried again', async () => {
    mock.failNext({ type: 'status', status: 500 }, 10);
    await expect(routed({ model: 'openai/gpt-4.1', maxRetries: 1, resilience: { attempts: { backoffBaseMs: 0, backoffMaxMs: 0 } } }).chat({ messages: [user('Hi')] })).rejects.toThrow();
    expect(sentBodies()).toHaveLength(2);
  });

  it('refuses a field out of range or given twice, naming it', () => {
    expect(() => routed({ temperature: 5 })).toThrow('RoutedLLM: temperature must be a number from 0 to 2.');
    expect(() => routed({ maxTokens: 0 })).toThrow(/maxTokens must be an integer at least 1/);
    expect(() => routed({ timeout: 100, resilience: { attempts: { attemptTimeoutMs: 100 } } })).toThrow(/give timeout or resilience\.attempts\.attemptTimeoutMs/);
  });
});

describe('RoutedLLM errors name the adapter, the option and the model', () => {
  it('an empty or missing llms map names llms, not models', () => {
    expect(() => new RoutedLLM({ llms: {} })).toThrow('RoutedLLM: `llms` must name at least one model, e.g. { "openai/gpt-4.1-mini": model }.');
    expect(() => new RoutedLLM({ llms: { 'acme/unknown': openai('x') } })).toThrow(/^RoutedLLM: llms\["acme\/unknown"\] is not in the shipped catalog/);
    expect(() => new RoutedLLM({ models: {} } as never)).toThrow('RoutedLLM: models is not an option; the LLMs to route between go under `llms`.');
  });

  it('an unknown model string is refused at construction, listing the llms', () => {
    const error = (() => { try { routed({ model: 'openai/gpt-5-nope' }); } catch (caught) { return caught as ConfigurationError; } return undefined; })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error!.key).toBe('model');
    expect(error!.message).toBe('RoutedLLM: model "openai/gpt-5-nope" is not one of `llms` (openai/gpt-4.1, openai/gpt-4.1-mini); use one of those ids or a router string such as "auto", "router-lr-0.3" or "router@q:1|c:0.5".');
    expect(error!.message).not.toContain('/v1/models');
    expect(() => routed({ model: 'anthropic/claude-sonnet-4-5' })).toThrow(/not one of `llms`/);
    expect(() => routed({ model: 'router-nope-0.5' })).toThrow(/RoutedLLM: model "router-nope-0.5" names an unknown router scorer "nope"/);
  });

  it('a budget refusal speaks of this app and shows the limit as set', async () => {
    const error = await routed({ spendLimits: { global: { limits: { daily_usd: 0.00001 } } } }).chat({ messages: [user('Hello there')] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as Error).message).toMatch(/^Spend limit daily_usd of \$0\.00001 for this app would be exceeded by openai\/gpt-4\.1(-mini)?: \$0 spent, this call needs at least \$0\.\d+\.$/);
  });
});
