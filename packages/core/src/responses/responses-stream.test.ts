import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../chat/chat-response.js';
import { RateLimitedError } from '../errors.js';
import { ResponseStreamFailure, responsesStream, type ResponseStreamEvent } from './responses-stream.js';

const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk => ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'openai/gpt-4.1', choices: [{ index: 0, delta, finish_reason: finish }] });
const identity = { id: 'resp_1', createdAt: 1, model: 'openai/gpt-4.1', store: false };

async function* chunks(list: ChatChunk[], failure?: Error): AsyncGenerator<ChatChunk> {
  yield* list;
  if (failure !== undefined) throw failure;
}

async function events(list: ChatChunk[], failure?: Error): Promise<{ events: ResponseStreamEvent[]; error?: unknown }> {
  const seen: ResponseStreamEvent[] = [];
  try {
    for await (const event of responsesStream(chunks(list, failure), { model: 'auto', input: 'hi' }, identity)) seen.push(event);
  } catch (error) {
    return { events: seen, error };
  }
  return { events: seen };
}

describe('responsesStream', () => {
  it('closes the text item before a tool call, keeps parallel calls apart, and completes with both in output order', async () => {
    const { events: seen } = await events([
      chunk({ role: 'assistant', content: 'Let me check.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"ci' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Paris"}' } }] }),
      { ...chunk({}, 'tool_calls'), usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, prompt_tokens_details: { cached_tokens: 2 } } as ChatChunk['usage'] },
    ]);
    const types = seen.map((event) => event.type);
    expect(types.indexOf('response.output_item.done')).toBeLessThan(types.lastIndexOf('response.output_item.added'));
    const completed = seen.at(-1)!;
    expect(completed.type).toBe('response.completed');
    expect((completed.response as { output: unknown[] }).output).toEqual([
      { id: 'msg_1_0', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Let me check.', annotations: [], logprobs: [] }] },
      { id: 'fc_1_1', type: 'function_call', call_id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}', status: 'completed' },
      { id: 'fc_1_2', type: 'function_call', call_id: 'call_b', name: 'time', arguments: '{}', status: 'completed' },
    ]);
    expect(completed.response).toMatchObject({ usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7, input_tokens_details: { cached_tokens: 2 } } });
    expect(seen.map((event) => event.sequence_number)).toEqual(seen.map((_, index) => index));
  });

  it('ends a cut answer with response.incomplete', async () => {
    const { events: seen } = await events([chunk({ content: 'Once upon' }, 'length')]);
    expect(seen.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
  });

  it('yields response.failed and throws the cause when the stream fails, never a completion', async () => {
    const cause = new RateLimitedError('slow down', { limit: 'requests_per_minute', retryAfterSeconds: 1 });
    const { events: seen, error } = await events([chunk({ content: 'Hel' })], cause);
    expect(seen.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'rate_limit_exceeded' }, output_text: 'Hel' } });
    expect(seen.map((event) => event.type)).not.toContain('response.completed');
    expect(error).toBeInstanceOf(ResponseStreamFailure);
    expect((error as ResponseStreamFailure).cause).toBe(cause);
    expect((error as ResponseStreamFailure).sequenceNumber).toBe(seen.length);
  });

  it('never quotes a foreign error\'s message', async () => {
    const { events: seen } = await events([chunk({ content: 'x' })], new Error('secret prompt text'));
    expect(JSON.stringify(seen)).not.toContain('secret prompt text');
  });
});
