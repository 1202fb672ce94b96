import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../chat/chat-response.js';
import { toAnthropicRequest } from '../upstream/anthropic-request.js';
import { fromAnthropicResponse } from '../upstream/anthropic-response.js';
import { parseMessagesRequest } from './parse-messages-request.js';
import { toAnthropicEvents } from './to-anthropic-events.js';
import { toAnthropicMessage } from './to-anthropic-message.js';

const cached = { type: 'ephemeral' as const };

describe('Messages request -> ChatRequest -> Anthropic upstream request', () => {
  const body = {
    model: 'anthropic/claude-sonnet-4-5',
    max_tokens: 300,
    system: [{ type: 'text', text: 'Reference.', cache_control: cached }],
    messages: [
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Use the tool.', signature: 'sig' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }, { type: 'image', source: { type: 'url', url: 'https://example.com/sky.png' } }], is_error: false, cache_control: cached },
          { type: 'text', text: 'And tomorrow?' },
        ],
      },
    ],
    tools: [{ name: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } }, cache_control: cached }],
    tool_choice: { type: 'any', disable_parallel_tool_use: true },
    top_k: 5,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    output_config: { effort: 'low' },
  };

  it('translates to the OpenAI-shaped request with the extensions beside it', () => {
    const { request } = parseMessagesRequest(body, { betaHeader: 'a-2025, b-2026' });
    expect(request.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Reference.', cache_control: cached }] },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }], thinking_blocks: [{ type: 'thinking', thinking: 'Use the tool.', signature: 'sig' }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: [{ type: 'text', text: 'sunny', cache_control: cached }] },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/sky.png' } }] },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    expect(request).toMatchObject({ tool_choice: 'required', parallel_tool_calls: false, max_tokens: 300, 'x-anthropic': { beta: ['a-2025', 'b-2026'], top_k: 5, thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { effort: 'low' } } });
    expect(request.tools![0]!.cache_control).toEqual(cached);
  });

  it('comes out for an Anthropic upstream with its breakpoints, thinking and extras, turns merged back', () => {
    const upstream = toAnthropicRequest({ ...parseMessagesRequest(body).request, model: 'claude-sonnet-4-5' });
    expect(upstream.system).toEqual([{ type: 'text', text: 'Reference.', cache_control: cached }]);
    expect(upstream.messages[1]!.content).toEqual([
      { type: 'thinking', thinking: 'Use the tool.', signature: 'sig' },
      { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
    ]);
    expect(upstream.messages[2]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny', cache_control: cached }] },
        { type: 'image', source: { type: 'url', url: 'https://example.com/sky.png' } },
        { type: 'text', text: 'And tomorrow?' },
      ],
    });
    expect(upstream.tools![0]!.cache_control).toEqual(cached);
    expect(upstream).toMatchObject({ top_k: 5, thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { effort: 'low' }, tool_choice: { type: 'any', disable_parallel_tool_use: true } });
  });
});

describe('answers back in Anthropic shape', () => {
  const context = { provider: 'anthropic', model: 'claude-sonnet-4-5' };

  it('keeps stop sequences, thinking and cache usage through an Anthropic upstream', () => {
    const response = fromAnthropicResponse(
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [{ type: 'thinking', thinking: 'Hm.', signature: 's' }, { type: 'text', text: 'Done' }],
        stop_reason: 'stop_sequence',
        stop_sequence: 'END',
        usage: { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000 },
      },
      context,
    );
    expect(response.usage).toEqual({ prompt_tokens: 1110, completion_tokens: 3, total_tokens: 1113, prompt_tokens_details: { cached_tokens: 1000, cache_creation_tokens: 100 } });
    expect(toAnthropicMessage(response)).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'thinking', thinking: 'Hm.', signature: 's' }, { type: 'text', text: 'Done' }],
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
      usage: { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000 },
    });
  });

  it('streams blocks one at a time, puts a flushed tail in its own block, and ends with usage and extras', async () => {
    const chunk = (delta: ChatChunk['choices'][0]['delta'], finish: ChatChunk['choices'][0]['finish_reason'] = null): ChatChunk => ({ id: 'rk-1', object: 'chat.completion.chunk', created: 0, model: 'openai/gpt-4.1', choices: [{ index: 0, delta, finish_reason: finish }] });
    async function* chunks(): AsyncGenerator<ChatChunk> {
      yield chunk({ role: 'assistant', content: '' });
      yield chunk({ content: 'Let me look.' });
      yield chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":' } }] });
      yield chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] });
      yield chunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } }] });
      // A PII restorer flushes what it held back on the finish chunk.
      yield chunk({ content: ' tail' }, 'tool_calls');
      yield { id: 'rk-1', object: 'chat.completion.chunk', created: 0, model: 'openai/gpt-4.1', choices: [], usage: { prompt_tokens: 50, completion_tokens: 9, total_tokens: 59, prompt_tokens_details: { cached_tokens: 20 } }, 'x-routekit': { request_id: 'rk-1' } };
    }
    const events = [];
    for await (const event of toAnthropicEvents(chunks())) events.push(event);
    const summary = events.map((event) => `${event.type}${'index' in event ? `:${event.index}` : ''}`);
    expect(summary).toEqual([
      'message_start', 'ping',
      'content_block_start:0', 'content_block_delta:0',
      'content_block_stop:0', 'content_block_start:1', 'content_block_delta:1', 'content_block_delta:1',
      'content_block_stop:1', 'content_block_start:2', 'content_block_delta:2',
      'content_block_stop:2', 'content_block_start:3', 'content_block_delta:3',
      'content_block_stop:3', 'message_delta', 'message_stop',
    ]);
    expect(events[0]).toMatchObject({ message: { id: 'rk-1', model: 'openai/gpt-4.1', content: [] } });
    expect(events[5]).toMatchObject({ content_block: { type: 'tool_use', id: 'call_1', name: 'weather', input: {} } });
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 30, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 20 },
      'x-routekit': { request_id: 'rk-1' },
    });
  });
});
