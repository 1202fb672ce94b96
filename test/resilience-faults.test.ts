import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockFailure, type MockUpstream } from '@routekit/core/testing';
import { chat, chatStream, receiptOf, startResilienceGateway, type ResilienceGateway } from './resilience-gateway.js';
import { startGateway } from './start-gateway.js';

const messages = [{ role: 'user', content: 'hi' }];
const explicit = { model: 'openai/gpt-4.1-mini', messages };
const healthyModel = 'mistral/mistral-small-latest';

describe('faults injected over real HTTP: retries, fallback chains, deadlines, cut streams', () => {
  let flaky: MockUpstream;
  let healthy: MockUpstream;
  let slow: MockUpstream;
  let gateway: ResilienceGateway;

  beforeAll(async () => {
    flaky = await startMockUpstream();
    healthy = await startMockUpstream();
    slow = await startMockUpstream({ tokensPerSecond: 20, reply: () => 'word '.repeat(60) });
    gateway = await startResilienceGateway(
      [
        { id: 'openai', kind: 'openai', baseUrl: flaky.url },
        { id: 'mistral', kind: 'openai', baseUrl: healthy.url },
        { id: 'groq', kind: 'openai', baseUrl: slow.url },
      ],
      {
        // Tiny timeouts and backoff keep the test fast; the breaker stays out of the way here.
        resilience: {
          // Short enough to keep the timeout tests quick, long enough for a healthy answer on a loaded CI machine.
          attempts: { attemptTimeoutMs: 1000, firstTokenTimeoutMs: 1000, backoffBaseMs: 2, backoffMaxMs: 5, maxRetryAfterMs: 1500 },
          circuitBreaker: { minimumCalls: 1000 },
          fallbacks: { 'openai/gpt-4.1': [healthyModel] },
        },
      },
    );
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([flaky.close(), healthy.close(), slow.close()]);
  });
  beforeEach(() => {
    flaky.reset();
    healthy.reset();
    slow.reset();
  });

  const faults: Array<[string, MockFailure, string]> = [
    ['a 500', { type: 'status', status: 500 }, 'provider_server_error'],
    ['a 503', { type: 'status', status: 503 }, 'provider_server_error'],
    ['a timeout', { type: 'timeout' }, 'provider_timeout'],
    ['a connection reset', { type: 'reset' }, 'provider_connection'],
    ['a malformed JSON body', { type: 'malformed-json' }, 'provider_bad_response'],
    ['a body cut halfway', { type: 'cut-stream', afterChunks: 0 }, 'provider_connection'],
  ];

  it.each(faults)('retries %s on the same model after a backoff; the receipt shows both attempts and the wait', async (_name, failure, code) => {
    flaky.failNext(failure);
    const answer = await chat(gateway.url, explicit);
    expect(answer.status).toBe(200);
    const receipt = answer.body['x-routekit']!;
    expect(receipt.attempts).toEqual([
      expect.objectContaining({ model: 'openai/gpt-4.1-mini', outcome: 'failed', error_code: code }),
      expect.objectContaining({ model: 'openai/gpt-4.1-mini', outcome: 'ok', retry: 1, wait: 'backoff', waited_ms: expect.any(Number) }),
    ]);
    expect(receipt.retries).toBe(1);
    expect(flaky.requests).toHaveLength(2);
    expect(healthy.requests).toHaveLength(0);
  });

  it.each(faults.filter(([name]) => name !== 'a body cut halfway'))('retries %s before the first token of a stream invisibly: the client gets one whole stream', async (_name, failure, code) => {
    flaky.failNext(failure);
    const answer = await chatStream(gateway.url, explicit);
    expect(answer.status).toBe(200);
    expect(answer.events.some((event) => event.error !== undefined)).toBe(false);
    expect(answer.done).toBe(true);
    expect(answer.text).toBe('Mock answer from gpt-4.1-mini.');
    const receipt = await receiptOf(gateway.url, answer.requestId);
    expect(receipt.status).toBe('ok');
    expect(receipt.attempts[0]).toMatchObject({ outcome: 'failed', error_code: code, phase: 'first_token' });
    expect(receipt.attempts[1]).toMatchObject({ outcome: 'ok', retry: 1 });
  });

  it('falls back invisibly when a stream is cut before its first token', async () => {
    flaky.failNext({ type: 'cut-stream', afterChunks: 0 }, 4);
    const answer = await chatStream(gateway.url, { ...explicit, 'x-fallback-chain': [healthyModel] });
    expect(answer.done).toBe(true);
    expect(answer.text).toBe('Mock answer from mistral-small-latest.');
    const receipt = await receiptOf(gateway.url, answer.requestId);
    expect(receipt.winner).toBe(healthyModel);
    expect(receipt.attempts.map((attempt) => attempt.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'ok']);
  });

  it('ends a stream cut after its first token with an OpenAI-style error event and no [DONE]; the receipt says error', async () => {
    flaky.failNext({ type: 'cut-stream', afterChunks: 1 });
    const answer = await chatStream(gateway.url, { ...explicit, 'x-fallback-chain': [healthyModel] });
    expect(answer.status).toBe(200);
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.events.at(-1)?.error).toMatchObject({ code: 'provider_connection' });
    expect(answer.done).toBe(false);
    const receipt = await receiptOf(gateway.url, answer.requestId);
    expect(receipt.status).toBe('error');
    expect(receipt.attempts.at(-1)).toMatchObject({ outcome: 'failed', phase: 'stream' });
    // After the first token another model cannot continue invisibly, so none is called.
    expect(healthy.requests).toHaveLength(0);
  });

  it('an official OpenAI client raises on a stream cut after its first token', async () => {
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    flaky.failNext({ type: 'cut-stream', afterChunks: 1 });
    const stream = await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // read to the end
        }
      })(),
    ).rejects.toThrow();
  });

  it('waits out a 429 Retry-After on the last candidate when it fits, and says so in the receipt', async () => {
    flaky.failNext({ type: 'status', status: 429, retryAfterSeconds: 1 });
    const answer = await chat(gateway.url, explicit);
    expect(answer.status).toBe(200);
    expect(answer.body['x-routekit']!.attempts).toEqual([
      expect.objectContaining({ outcome: 'failed', error_code: 'provider_rate_limited', upstream_status: 429 }),
      expect.objectContaining({ outcome: 'ok', wait: 'retry_after', waited_ms: 1000 }),
    ]);
  });

  it('returns a 429 whose Retry-After is too long at once, with the Retry-After', async () => {
    flaky.failNext({ type: 'status', status: 429, retryAfterSeconds: 30 });
    const answer = await chat(gateway.url, explicit);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('30');
    expect(answer.body.error?.code).toBe('provider_rate_limited');
    expect(flaky.requests).toHaveLength(1);
  });

  it('moves on to the next candidate at once on a 429 when there is one', async () => {
    flaky.failNext({ type: 'status', status: 429, retryAfterSeconds: 1 });
    const answer = await chat(gateway.url, { ...explicit, 'x-fallback-chain': [healthyModel] });
    expect(answer.status).toBe(200);
    expect(answer.body['x-routekit']!.winner).toBe(healthyModel);
    expect(answer.body['x-routekit']!.attempts[1]).not.toHaveProperty('waited_ms');
    expect(flaky.requests).toHaveLength(1);
  });

  it('does not retry a 400: the same request would fail the same way, and the client gets the 400', async () => {
    flaky.failNext({ type: 'status', status: 400 });
    const answer = await chat(gateway.url, { ...explicit, 'x-fallback-chain': [healthyModel] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'provider_client_error', type: 'invalid_request_error' });
    expect(flaky.requests).toHaveLength(1);
    expect(healthy.requests).toHaveLength(0);
  });

  it('gives up on an explicit model after its retries, with the last failure', async () => {
    flaky.failNext({ type: 'status', status: 500 }, 4);
    const answer = await chat(gateway.url, explicit);
    expect(answer.status).toBe(502);
    expect(answer.body.error?.code).toBe('provider_server_error');
    // The first try and three retries.
    expect(flaky.requests).toHaveLength(4);
    expect(healthy.requests).toHaveLength(0);
  });

  it('follows an x-fallback-chain header, and never sends routekit fields on to the provider', async () => {
    flaky.failNext({ type: 'status', status: 500 }, 4);
    const answer = await chat(gateway.url, { ...explicit, 'x-routekit-deadline-ms': 5000 }, { 'x-fallback-chain': healthyModel });
    expect(answer.status).toBe(200);
    const receipt = answer.body['x-routekit']!;
    expect(receipt.winner).toBe(healthyModel);
    expect(receipt.fallback_attempts).toBe(1);
    expect(receipt.deadline_ms).toBe(5000);
    expect(Object.keys(healthy.requests[0]!.body as object)).not.toContain('x-routekit-deadline-ms');
    expect(Object.keys(flaky.requests[0]!.body as object)).not.toContain('x-fallback-chain');
  });

  it('routes the last fallback of an auto request to another provider when the ranking is all one provider', async () => {
    const twoProviders = await startResilienceGateway(
      [
        { id: 'openai', kind: 'openai', baseUrl: flaky.url },
        { id: 'mistral', kind: 'openai', baseUrl: healthy.url },
      ],
      { resilience: { attempts: { backoffBaseMs: 2, backoffMaxMs: 5 } } },
    );
    try {
      flaky.failNext({ type: 'status', status: 500 }, 8);
      const answer = await chat(twoProviders.url, { model: 'auto', messages, 'x-routing-hints': { prefer_providers: ['openai'] } });
      expect(answer.status).toBe(200);
      const receipt = answer.body['x-routekit']!;
      // The ranking puts every openai model first; the third place to try goes to the best mistral model.
      expect(receipt.candidates.slice(0, 3).every((candidate) => candidate.model.startsWith('openai/'))).toBe(true);
      expect(receipt.attempts.slice(0, 8).every((attempt) => attempt.model.startsWith('openai/') && attempt.outcome === 'failed')).toBe(true);
      expect(receipt.winner!.startsWith('mistral/')).toBe(true);
      expect(receipt.fallback_attempts).toBe(2);
    } finally {
      await twoProviders.close();
    }
  });

  it('follows a configured fallback chain of an explicit model', async () => {
    flaky.failNext({ type: 'status', status: 502 }, 4);
    const answer = await chat(gateway.url, { model: 'openai/gpt-4.1', messages });
    expect(answer.status).toBe(200);
    expect(answer.body['x-routekit']!.winner).toBe(healthyModel);
  });

  it('takes resilience options (a configured chain here) through routerMiddleware config, and names a misspelled one', async () => {
    const configured = await startGateway('express', {
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: flaky.url },
        { id: 'mistral', kind: 'openai', baseUrl: healthy.url },
      ],
      resilience: { attempts: { retries: 0 }, fallbacks: { 'openai/gpt-4.1': [healthyModel] } },
    });
    try {
      flaky.failNext({ type: 'status', status: 500 });
      const answer = await chat(configured.url, { model: 'openai/gpt-4.1', messages });
      expect(answer.body['x-routekit']!.winner).toBe(healthyModel);
      expect(flaky.requests).toHaveLength(1);
    } finally {
      await configured.close();
    }
    await expect(startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: flaky.url }], resilience: { attempts: { retriez: 1 } } as never })).rejects.toThrow(/resilience\.attempts\.retriez/);
  });

  it('rejects a fallback chain that names no model, naming the entry', async () => {
    const answer = await chat(gateway.url, { ...explicit, 'x-fallback-chain': [healthyModel, 'openai/gpt-9'] });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_fallback_chain', param: 'x-fallback-chain[1]' });
  });

  it('rejects a deadline that is not a positive whole number', async () => {
    const answer = await chat(gateway.url, explicit, { 'x-routekit-deadline-ms': 'soon' });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe('invalid_deadline');
  });

  it('aborts the upstream when the client goes away mid-stream, and records the receipt as aborted', async () => {
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'groq/llama-3.1-8b-instant', messages, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    for (let tries = 0; tries < 200 && !slow.requests[0]?.aborted; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(slow.requests[0]?.aborted).toBe(true);
    const id = response.headers.get('x-request-id')!;
    let receipt = await receiptOf(gateway.url, id);
    for (let tries = 0; tries < 100 && receipt.status === undefined; tries += 1) receipt = await receiptOf(gateway.url, id);
    expect(receipt.status).toBe('aborted');
  });

  it('answers a clean 504 at the request deadline when the model never answers', async () => {
    flaky.failNext({ type: 'timeout' }, 10);
    const answer = await chat(gateway.url, explicit, { 'x-routekit-deadline-ms': '450' });
    expect(answer.status).toBe(504);
    expect(answer.body.error).toMatchObject({ code: 'deadline_exceeded', type: 'timeout_error' });
  });

  it('ends a stream that outlives its deadline with an error event', async () => {
    const answer = await chatStream(gateway.url, { model: 'groq/llama-3.1-8b-instant', messages, 'x-routekit-deadline-ms': 1500 });
    expect(answer.text.length).toBeGreaterThan(0);
    expect(answer.events.at(-1)?.error?.code).toBe('deadline_exceeded');
    expect(answer.done).toBe(false);
    const receipt = await receiptOf(gateway.url, answer.requestId);
    expect(receipt.status).toBe('error');
    expect(receipt.error?.code).toBe('deadline_exceeded');
  });
});
