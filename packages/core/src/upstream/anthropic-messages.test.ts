import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat/chat-request.js';
import type { ChatChunk } from '../chat/chat-response.js';
import type { ModelInfo } from '../catalog/model-info.js';
import { ProviderFailedError } from '../errors.js';
import type { ModelCall } from '../pipeline/engine-middleware.js';
import type { Attempt, Exchange } from '../pipeline/exchange.js';
import { startMockUpstream, type MockUpstream } from '../testing/index.js';
import { createUpstreamCall } from './upstream-call.js';

let upstream: MockUpstream;
let call: ModelCall;
beforeAll(async () => {
  upstream = await startMockUpstream({ apiKey: 'sk-ant-test' });
  call = createUpstreamCall({ providers: [{ id: 'anthropic', kind: 'anthropic', baseUrl: upstream.url, apiKey: 'sk-ant-test' }] });
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

const signal = new AbortController().signal;
const attemptOf = (request: Partial<ChatRequest>): Attempt => ({
  exchange: {} as Exchange,
  model: { id: 'anthropic/claude-haiku-4-5', provider: 'anthropic', upstreamModel: 'claude-haiku-4-5' } as ModelInfo,
  request: { model: 'claude-haiku-4-5', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello to the tester.' }], ...request },
  index: 0,
});
const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

describe('createUpstreamCall (Anthropic Messages, over HTTP to the mock)', () => {
  it('sends a Messages request with Anthropic headers and translates the JSON answer', async () => {
    const result = await call(attemptOf({}), signal);
    const recorded = upstream.requests[0]!;
    expect(recorded.path).toBe('/v1/messages');
    expect(recorded.headers).toMatchObject({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' });
    expect(recorded.body).toMatchObject({ model: 'claude-haiku-4-5', system: 'Be brief.', max_tokens: 4096, messages: [{ role: 'user', content: 'Say hello to the tester.' }] });
    expect(result.type === 'response' && result.response).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Mock answer from claude-haiku-4-5.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
    });
  });

  it('translates a streamed answer, with the usage chunk last', async () => {
    const result = await call(attemptOf({ stream: true }), signal);
    const chunks: ChatChunk[] = [];
    if (result.type === 'stream') for await (const chunk of result.stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Mock answer from claude-haiku-4-5.');
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 4 } });
    expect(upstream.connections).toBeLessThanOrEqual(1);
  });

  it('round-trips tool calls, JSON and streamed, and answers the tool result with text', async () => {
    const json = await call(attemptOf({ tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } }), signal);
    expect(upstream.requests[0]!.body).toMatchObject({ tool_choice: { type: 'tool', name: 'get_weather' }, tools: [{ name: 'get_weather', input_schema: tools[0]!.function.parameters }] });
    const message = json.type === 'response' ? json.response.choices[0]!.message : undefined;
    expect(message?.tool_calls).toEqual([{ id: expect.stringMatching(/^toolu_mock_/), type: 'function', function: { name: 'get_weather', arguments: '{}' } }]);

    const streamed = await call(attemptOf({ tools, stream: true }), signal);
    const deltas = [];
    if (streamed.type === 'stream') for await (const chunk of streamed.stream) deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
    expect(deltas).toEqual([{ index: 0, id: expect.stringMatching(/^toolu_mock_/), type: 'function', function: { name: 'get_weather', arguments: '' } }, { index: 0, function: { arguments: '{}' } }]);

    const followUp = await call(attemptOf({ tools, messages: [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: null, tool_calls: message!.tool_calls }, { role: 'tool', tool_call_id: message!.tool_calls![0]!.id, content: '18C' }] }), signal);
    expect(followUp.type === 'response' && followUp.response.choices[0]!.message.content).toBe('Mock answer from claude-haiku-4-5.');
  });

  it('maps Anthropic error answers and cut streams to provider failures', async () => {
    upstream.failNext({ type: 'status', status: 529 });
    await expect(call(attemptOf({}), signal)).rejects.toMatchObject({ failure: 'server_error', upstreamStatus: 529, message: expect.stringContaining('Mock overloaded_error.') });
    upstream.failNext({ type: 'status', status: 429, retryAfterSeconds: 3 });
    await expect(call(attemptOf({ stream: true }), signal)).rejects.toMatchObject({ failure: 'rate_limited', retryAfterSeconds: 3 });
    upstream.failNext({ type: 'cut-stream', afterChunks: 2 });
    const result = await call(attemptOf({ stream: true }), signal);
    const reading = (async () => {
      if (result.type === 'stream') for await (const _chunk of result.stream);
    })();
    await expect(reading).rejects.toBeInstanceOf(ProviderFailedError);
    await expect(reading).rejects.toMatchObject({ failure: 'connection' });
  });
});
