import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatRequest } from '../chat/chat-request.js';
import type { ChatChunk } from '../chat/chat-response.js';
import type { ModelInfo } from '../catalog/model-info.js';
import { ProviderFailedError } from '../errors.js';
import type { ChatResult } from '../pipeline/chat-result.js';
import type { ModelCall } from '../pipeline/engine-middleware.js';
import type { Attempt, Exchange } from '../pipeline/exchange.js';
import { startMockUpstream, type MockUpstream } from '../testing/index.js';
import type { ProviderConfig } from './provider-config.js';
import { createUpstreamCall } from './upstream-call.js';

let upstream: MockUpstream;
beforeAll(async () => {
  upstream = await startMockUpstream({ apiKey: 'sk-test' });
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const model = (provider = 'mock'): ModelInfo => ({ id: `${provider}/gpt-4.1-mini`, provider, upstreamModel: 'gpt-4.1-mini' }) as ModelInfo;
const attemptOf = (request: Partial<ChatRequest>, provider?: string): Attempt => ({
  exchange: {} as Exchange,
  model: model(provider),
  request: { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello to the tester.' }], ...request },
  index: 0,
});
const provider = (overrides: Partial<ProviderConfig> = {}): ProviderConfig => ({ id: 'mock', kind: 'openai', baseUrl: upstream.url, apiKey: 'sk-test', ...overrides });
const weather = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];

async function collect(result: ChatResult): Promise<ChatChunk[]> {
  if (result.type !== 'stream') throw new Error('expected a stream');
  const chunks: ChatChunk[] = [];
  for await (const chunk of result.stream) chunks.push(chunk);
  return chunks;
}

const rejection = async (promise: Promise<unknown>): Promise<ProviderFailedError> => {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ProviderFailedError);
  return error as ProviderFailedError;
};

describe('createUpstreamCall (OpenAI format, over HTTP to the mock)', () => {
  let call: ModelCall;
  beforeAll(() => {
    call = createUpstreamCall({ providers: [provider()] });
  });
  const signal = new AbortController().signal;

  it('returns a JSON completion with usage and sends the key', async () => {
    const result = await call(attemptOf({}), signal);
    expect(result.type).toBe('response');
    if (result.type !== 'response') return;
    expect(result.response.choices[0]!.message.content).toBe('Mock answer from gpt-4.1-mini.');
    expect(result.response.usage).toEqual({ prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 });
    expect(upstream.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams, asks for usage, and leaves routekit fields out of the body', async () => {
    const chunks = await collect(await call(attemptOf({ stream: true, 'x-routing-hints': { priority: 'cost' } }), signal));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Mock answer from gpt-4.1-mini.');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 4 } });
    const body = upstream.requests[0]!.body as Record<string, unknown>;
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body).not.toHaveProperty('x-routing-hints');
  });

  it('returns tool calls as JSON and as streamed deltas', async () => {
    const json = await call(attemptOf({ tools: weather }), signal);
    expect(json.type === 'response' && json.response.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{}' } }] } });
    const chunks = await collect(await call(attemptOf({ tools: weather, stream: true }), signal));
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), function: { name: 'get_weather' } });
    expect(deltas.map((delta) => delta.function?.arguments ?? '').join('')).toBe('{}');
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const fresh = createUpstreamCall({ providers: [provider()] });
    // undici hands a connection back one turn of the event loop after its response ended (in case the server closes it after all).
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    for (let index = 0; index < 3; index += 1) {
      await fresh(attemptOf({}), signal);
      await nextTurn();
      await collect(await fresh(attemptOf({ stream: true }), signal));
      await nextTurn();
    }
    expect(upstream.requests).toHaveLength(6);
    expect(upstream.connections).toBe(1);
  });

  it.each([
    [{ type: 'status', status: 429, retryAfterSeconds: 7 } as const, 'rate_limited', 429],
    [{ type: 'status', status: 500 } as const, 'server_error', 500],
    [{ type: 'status', status: 400 } as const, 'client_error', 400],
    [{ type: 'reset' } as const, 'connection', null],
    [{ type: 'malformed-json' } as const, 'bad_response', null],
    [{ type: 'cut-stream', afterChunks: 1 } as const, 'connection', null],
  ])('maps a JSON call failing with %o to %s', async (failure, expected, status) => {
    upstream.failNext(failure);
    const error = await rejection(call(attemptOf({}), signal));
    expect(error.failure).toBe(expected);
    expect(error.upstreamStatus).toBe(status);
    if (expected === 'rate_limited') expect(error.retryAfterSeconds).toBe(7);
    if (expected === 'client_error') expect(error.message).toBe('Provider mock answered 400 for model gpt-4.1-mini: Invalid request (mock).');
  });

  it.each([
    [{ type: 'status', status: 503 } as const, 'server_error'],
    [{ type: 'reset' } as const, 'connection'],
    [{ type: 'malformed-json' } as const, 'bad_response'],
    [{ type: 'cut-stream', afterChunks: 0 } as const, 'connection'],
  ])('rejects a stream call failing before the first token with %o as %s', async (failure, expected) => {
    upstream.failNext(failure);
    expect((await rejection(call(attemptOf({ stream: true }), signal))).failure).toBe(expected);
  });

  it('makes the iterator throw a connection failure when the stream is cut mid-way', async () => {
    upstream.failNext({ type: 'cut-stream', afterChunks: 2 });
    const result = await call(attemptOf({ stream: true }), signal);
    const received: string[] = [];
    const error = await rejection(
      (async () => {
        if (result.type === 'stream') for await (const chunk of result.stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    );
    expect(error.failure).toBe('connection');
    expect(error.message).toBe('Provider mock closed the stream for model gpt-4.1-mini before its end.');
    expect(received).toEqual(['Mock', ' answer']);
  });

  it('times out waiting for an answer, and with a bad key gets a client error', async () => {
    const impatient = createUpstreamCall({ providers: [provider({ timeoutMs: 150 })] });
    upstream.failNext({ type: 'timeout' });
    expect((await rejection(impatient(attemptOf({}), signal))).failure).toBe('timeout');
    const wrongKey = createUpstreamCall({ providers: [provider({ apiKey: 'sk-wrong' })] });
    const error = await rejection(wrongKey(attemptOf({}), signal));
    expect([error.failure, error.upstreamStatus, error.retryable]).toEqual(['client_error', 401, false]);
  });

  it('fails with a connection error when nothing listens, and a client error for an unknown provider', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = createUpstreamCall({ providers: [provider({ baseUrl: `http://127.0.0.1:${port}/v1` })] });
    expect((await rejection(refused(attemptOf({}), signal))).failure).toBe('connection');
    const error = await rejection(call(attemptOf({}, 'nobody'), signal));
    expect(error.failure).toBe('client_error');
    expect(error.message).toContain('No provider named nobody');
  });

  it('rejects a bad provider configuration naming the field', () => {
    expect(() => createUpstreamCall({ providers: [provider(), { ...provider({ id: 'other' }), baseUrl: 'ftp://x' }] })).toThrow(/providers\[1\]\.baseUrl/);
  });
});

describe('createUpstreamCall with a slow upstream', () => {
  let slow: MockUpstream;
  beforeAll(async () => {
    slow = await startMockUpstream({ tokensPerSecond: 50, reply: () => 'word '.repeat(200) });
  });
  afterAll(() => slow.close());
  const call = () => createUpstreamCall({ providers: [{ id: 'mock', kind: 'openai', baseUrl: slow.url, idleTimeoutMs: 5000 }] });

  it('destroys the upstream request when the signal aborts mid-stream', async () => {
    const controller = new AbortController();
    const result = await call()(attemptOf({ stream: true }), controller.signal);
    const iterator = (result as Extract<ChatResult, { type: 'stream' }>).stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() => expect(slow.requests.at(-1)!.aborted).toBe(true));
  });

  it('releases the upstream request when the consumer stops reading early', async () => {
    const result = await call()(attemptOf({ stream: true }), new AbortController().signal);
    let count = 0;
    if (result.type === 'stream') for await (const _chunk of result.stream) if (++count === 3) break;
    await vi.waitFor(() => expect(slow.requests.at(-1)!.aborted).toBe(true));
  });

  it('releases the upstream request when the stream is returned without being read', async () => {
    const result = await call()(attemptOf({ stream: true }), new AbortController().signal);
    if (result.type === 'stream') await result.stream[Symbol.asyncIterator]().return?.();
    await vi.waitFor(() => expect(slow.requests.at(-1)!.aborted).toBe(true));
  });

  it('aborts before the answer with the signal reason, not a provider failure', async () => {
    const controller = new AbortController();
    const pending = call()(attemptOf({}), controller.signal);
    await vi.waitFor(() => expect(slow.requests.length).toBeGreaterThan(0));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('times out when the stream goes quiet for longer than idleTimeoutMs', async () => {
    const stalled = createUpstreamCall({ providers: [{ id: 'mock', kind: 'openai', baseUrl: slow.url, idleTimeoutMs: 5 }] });
    const result = await stalled(attemptOf({ stream: true }), new AbortController().signal);
    const error = await rejection(collect(result));
    expect(error.failure).toBe('timeout');
  });
});
