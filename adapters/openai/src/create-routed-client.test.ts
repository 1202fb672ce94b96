import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigurationError, type ChatRequest, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import OpenAI, { APIError, APIUserAbortError, BadRequestError, InternalServerError, NotFoundError } from 'openai';
import { Stream } from 'openai/streaming';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import { createRoutedClient, type RoutedClientOptions } from './index.js';

let mock: MockUpstream;

function reply(request: ChatRequest) {
  const last = request.messages.at(-1)!;
  if (last.role === 'tool') return `Tool said: ${String(last.content)}`;
  if ((request.tools?.length ?? 0) > 0 && request.tool_choice !== 'none') return { tool_calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] };
  return `Echo from ${request.model}: ${typeof last.content === 'string' ? last.content : ''}`;
}

beforeAll(async () => {
  mock = await startMockUpstream({ reply });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

const openai = () => new OpenAI({ apiKey: 'test', baseURL: mock.url, maxRetries: 0 });
const inProcess = (options: Partial<RoutedClientOptions> = {}) => createRoutedClient({ models: { 'openai/gpt-4.1': openai(), 'openai/gpt-4.1-mini': openai() }, ...options });
const overHttp = (options: Partial<RoutedClientOptions> = {}) => createRoutedClient({ providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], ...options });
const sentBodies = () => mock.requests.filter((request) => request.path === '/v1/chat/completions').map((request) => request.body as ChatRequest);
const weatherTool: ChatCompletionTool = { type: 'function', function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { chunks, text: chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('') };
}

describe('createRoutedClient over openai clients (models)', () => {
  it('returns an OpenAI ChatCompletion from the routed model, with the receipt under x-routekit', async () => {
    const client = inProcess();
    const completion = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
    expectTypeOf(completion).toExtend<ChatCompletion>();
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'Echo from gpt-4.1-mini: What is the capital of France?', refusal: null });
    expect(completion.model).toBe('openai/gpt-4.1-mini');
    expect(sentBodies().map((body) => body.model)).toEqual(['gpt-4.1-mini']);
    expect(completion['x-routekit']).toMatchObject({ winner: 'openai/gpt-4.1-mini', status: 'ok', request_id: completion.id });
    expect(await client.receipts.get(completion.id)).toEqual(completion['x-routekit']);
  });

  it('streams an openai Stream of ChatCompletionChunks; the receipt is kept under the chunk id', async () => {
    const client = inProcess();
    const stream = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Say hello' }], stream: true, stream_options: { include_usage: true } });
    expectTypeOf(stream).toEqualTypeOf<Stream<ChatCompletionChunk>>();
    expect(stream).toBeInstanceOf(Stream);
    const { chunks, text } = await collect(stream);
    expect(text).toBe('Echo from gpt-4.1-mini: Say hello');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    const last = chunks.at(-1)! as ChatCompletionChunk & { 'x-routekit': Receipt };
    expect(last.usage?.total_tokens).toBeGreaterThan(0);
    expect(last['x-routekit']).toMatchObject({ winner: 'openai/gpt-4.1-mini', stream: true });
    expect((await client.receipts.get(chunks[0]!.id))?.status).toBe('ok');
  });

  it('asks the delegate for stream usage so the receipt counts real tokens, and hides that chunk from an app that did not ask', async () => {
    const client = inProcess();
    const { chunks } = await collect(await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Say hello' }], stream: true }));
    expect(sentBodies()[0]!.stream_options).toEqual({ include_usage: true });
    expect(chunks.every((chunk) => chunk.choices.length > 0 && chunk.usage == null)).toBe(true);
    expect((await client.receipts.get(chunks[0]!.id))?.tokens.estimated).toBe(false);
  });

  it('passes tools through and returns tool calls, streaming and not', async () => {
    const client = inProcess();
    const completion = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool] });
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]!.message.tool_calls).toEqual([{ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(sentBodies()[0]!.tools).toEqual([weatherTool]);
    const { chunks } = await collect(await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [weatherTool], stream: true }));
    const argumentsText = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).map((call) => call.function?.arguments ?? '').join('');
    expect(argumentsText).toBe('{"city":"Paris"}');
    const answer = await client.chat.completions.create({
      model: 'auto',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: completion.choices[0]!.message.tool_calls },
        { role: 'tool', tool_call_id: completion.choices[0]!.message.tool_calls![0]!.id, content: 'Sunny' },
      ],
      tools: [weatherTool],
    });
    expect(answer.choices[0]!.message.content).toBe('Tool said: Sunny');
  });

  it('redacts PII before the delegate sees it and restores it in what the app gets, streaming and not', async () => {
    const client = inProcess({ pii: true });
    const email = 'jane.doe@example.com';
    const completion = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `Write to ${email}` }] });
    expect(JSON.stringify(sentBodies()[0])).not.toContain(email);
    expect(sentBodies()[0]!.messages[0]!.content).toMatch(/^Write to <EMAIL_1\w*>$/);
    expect(completion.choices[0]!.message.content).toBe(`Echo from gpt-4.1-mini: Write to ${email}`);
    const { text } = await collect(await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `Write to ${email}` }], stream: true }));
    expect(JSON.stringify(sentBodies()[1])).not.toContain(email);
    expect(text).toBe(`Echo from gpt-4.1-mini: Write to ${email}`);
  });

  it('answers a repeated request from the cache without calling the delegate, unless cache: false', async () => {
    const client = inProcess({ cache: true });
    const request = { model: 'auto', messages: [{ role: 'user' as const, content: 'What is the tallest mountain on Earth?' }] };
    const first = await client.chat.completions.create(request);
    const second = await client.chat.completions.create(request);
    expect(sentBodies()).toHaveLength(1);
    expect(second.choices[0]!.message.content).toBe(first.choices[0]!.message.content);
    expect(second['x-routekit'].cache?.status).toBe('hit');
    await client.chat.completions.create({ ...request, cache: false });
    expect(sentBodies()).toHaveLength(2);
  });

  it('throws an openai APIError with status 402 when a spend limit stops the call, before any delegate call', async () => {
    const client = inProcess({ spendLimits: { global: { limits: { per_request_usd: 0.000001 } } } });
    const failure = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello there' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect(failure).toMatchObject({ status: 402, code: 'budget_exceeded', type: 'insufficient_quota' });
    expect(sentBodies()).toHaveLength(0);
  });

  it('falls back to the next candidate when the chosen client fails before its first token, streaming and not', async () => {
    // No same-model retries, so the one failure moves on to the next candidate.
    const resilience = { attempts: { retries: 0 } };
    mock.failNext({ type: 'status', status: 503 }, 1);
    const completion = await inProcess({ resilience }).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello there' }] });
    expect(completion.choices[0]!.message.content).toBe('Echo from gpt-4.1: Hello there');
    expect(completion['x-routekit']).toMatchObject({ winner: 'openai/gpt-4.1', fallback_attempts: 1 });
    mock.reset();
    mock.failNext({ type: 'status', status: 500 }, 1);
    const { text } = await collect(await inProcess({ resilience }).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello there' }], stream: true }));
    expect(text).toBe('Echo from gpt-4.1: Hello there');
  });

  it('throws the delegate client\'s own BadRequestError for a 400, without fallback', async () => {
    mock.failNext({ type: 'status', status: 400 }, 1);
    await expect(inProcess().chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello there' }] })).rejects.toBeInstanceOf(BadRequestError);
    expect(sentBodies()).toHaveLength(1);
  });

  it('rejects a malformed request as BadRequestError naming the field, and an abort as APIUserAbortError', async () => {
    const client = inProcess();
    const bad = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 42 as unknown as string }] }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).param).toBe('messages[0].content');
    mock.failNext({ type: 'timeout' }, 1);
    const controller = new AbortController();
    const pending = client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hello there' }] }, { signal: controller.signal });
    await expect.poll(() => mock.requests.length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('rejects a misspelled option by name, and both or neither of providers and models', () => {
    expect(() => inProcess({ spendLimit: {} } as Partial<RoutedClientOptions>)).toThrow(/spendLimit is not an option; did you mean spendLimits\?/);
    expect(() => inProcess({ pii: { actoins: {} } as never })).toThrow(/pii\.actoins/);
    expect(() => createRoutedClient({})).toThrow(ConfigurationError);
    expect(() => createRoutedClient({ providers: [], models: {} })).toThrow(/exactly one/);
  });
});

describe('createRoutedClient over providers (HTTP, no server in between)', () => {
  it('routes over routekit\'s HTTP client and streams', async () => {
    const client = overHttp();
    const completion = await client.chat.completions.create({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'Hi' }] });
    expect(completion.choices[0]!.message.content).toBe('Echo from gpt-4.1-nano: Hi');
    const { text } = await collect(await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }], stream: true }));
    expect(text).toMatch(/^Echo from [\w.-]+: Hi$/);
  });

  it('takes RouteLLM\'s Controller shape: routers, strong and weak model, router-mf-<threshold>', async () => {
    const client = overHttp({ routers: ['mf'], strongModel: 'gpt-4.1', weakModel: 'gpt-4.1-mini' });
    const strong = await client.chat.completions.create({ model: 'router-mf-0', messages: [{ role: 'user', content: 'Hello!' }] });
    expect(strong['x-routekit'].winner).toBe('openai/gpt-4.1');
    const weak = await client.chat.completions.create({ model: 'router-mf-1', messages: [{ role: 'user', content: 'Hello!' }] });
    expect(weak['x-routekit'].winner).toBe('openai/gpt-4.1-mini');
    await expect(client.chat.completions.create({ model: 'router-lr-0.3', messages: [{ role: 'user', content: 'Hello!' }] })).rejects.toMatchObject({ status: 400, code: 'router_unavailable' });
    expect(() => overHttp({ strongModel: 'gpt-4-1106-preview', weakModel: 'gpt-4.1-mini' })).toThrow(/strongModel "gpt-4-1106-preview"/);
  });

  it('throws InternalServerError (502) when every candidate failed', async () => {
    mock.failNext({ type: 'status', status: 500 }, 2);
    const failure = await overHttp({ maxAttempts: 2, resilience: { attempts: { retries: 0 } } }).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InternalServerError);
    expect(failure).toMatchObject({ status: 502, code: 'provider_server_error' });
  });
});

describe('trained routers in the routers list', () => {
  it('loads a router file named beside RouteLLM names, and lets router-<its name>-<t> route with it', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { shippedRouterFiles } = await import('@routekit/core');
    const path = join(mkdtempSync(join(tmpdir(), 'routekit-client-')), 'mine.router.json');
    writeFileSync(path, JSON.stringify({ ...(shippedRouterFiles.lr as object), name: 'mine' }));
    const client = inProcess({ routers: ['mf', path] });
    const completion = await client.chat.completions.create({ model: 'router-mine-0', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion['x-routekit'].strategy).toBe('router-mine-0');
    await expect(client.chat.completions.create({ model: 'router-lr-0.5', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/not among this client's routers \(mf, mine\)/);
  });
});

describe('createRoutedClient errors speak of the app, not a gateway', () => {
  it('an unknown model is a NotFoundError naming the client’s models (in-process) or providers (over HTTP), not GET /v1/models', async () => {
    const inApp = await inProcess().chat.completions.create({ model: 'openai/gpt-5-nope', messages: [{ role: 'user', content: 'Hi' }] }).then(() => undefined, (error: unknown) => error as APIError);
    expect(inApp).toBeInstanceOf(NotFoundError);
    expect(inApp!.message).toContain('createRoutedClient: model "openai/gpt-5-nope" is not one of `models` (openai/gpt-4.1, openai/gpt-4.1-mini)');
    const viaHttp = await overHttp().chat.completions.create({ model: 'acme/nope', messages: [{ role: 'user', content: 'Hi' }] }).then(() => undefined, (error: unknown) => error as APIError);
    expect(viaHttp).toBeInstanceOf(NotFoundError);
    expect(viaHttp!.message).toContain('createRoutedClient: model "acme/nope" is not a model of the configured providers (openai)');
    for (const error of [inApp, viaHttp]) expect(error!.message).not.toContain('/v1/models');
    expect(sentBodies()).toHaveLength(0);
  });

  it('a budget refusal speaks of this app and shows the limit as set', async () => {
    const failure = await inProcess({ spendLimits: { global: { limits: { daily_usd: 0.00001 } } } }).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] }).then(() => undefined, (error: unknown) => error as APIError);
    expect(failure!.message).toMatch(/Spend limit daily_usd of \$0\.00001 for this app would be exceeded by openai\/gpt-4\.1(-mini)?: \$0 spent, this call needs at least \$0\.\d+\.$/);
    const viaHttp = await overHttp({ spendLimits: { global: { limits: { daily_usd: 0.00001 } } } }).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] }).then(() => undefined, (error: unknown) => error as APIError);
    expect(viaHttp!.message).toMatch(/for this app/);
  });
});
