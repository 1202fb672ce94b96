import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '../chat/chat-response.js';
import { ProviderFailedError } from '../errors.js';
import { fromAnthropicEvents, fromAnthropicResponse } from './anthropic-response.js';
import { parseServerSentEvents } from './server-sent-events.js';

// Recorded shapes, written from the examples in Anthropic's Messages and streaming documentation.
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const context = { provider: 'anthropic', model: 'claude-haiku-4-5' };

async function* bodyOf(text: string, size = 37): AsyncGenerator<string> {
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}

async function translate(text: string): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of fromAnthropicEvents(parseServerSentEvents(bodyOf(text)), context, 1700000000)) chunks.push(chunk);
  return chunks;
}

describe('fromAnthropicResponse', () => {
  it('translates a text and tool_use message', () => {
    expect(fromAnthropicResponse(JSON.parse(fixture('anthropic-message-tool-use.json')), context, 1700000000)).toEqual({
      id: 'msg_01Aq9w938a90dw8q',
      object: 'chat.completion',
      created: 1700000000,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check the current weather in San Francisco for you.",
            tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } }],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 384, completion_tokens: 71, total_tokens: 455 },
    });
  });

  it('maps stop reasons and rejects a body that is not a message', () => {
    const message = { id: 'm', type: 'message', role: 'assistant', model: 'x', content: [{ type: 'text', text: 'a' }], usage: { input_tokens: 1, output_tokens: 1 } };
    const reasons = ['end_turn', 'stop_sequence', 'max_tokens', 'tool_use', 'refusal'].map((stop_reason) => fromAnthropicResponse({ ...message, stop_reason }, context).choices[0]!.finish_reason);
    expect(reasons).toEqual(['stop', 'stop', 'length', 'tool_calls', 'content_filter']);
    expect(() => fromAnthropicResponse({ type: 'error' }, context)).toThrow(expect.objectContaining({ failure: 'bad_response' }));
  });
});

describe('fromAnthropicEvents', () => {
  it('translates a streamed text and tool_use message into chat chunks', async () => {
    const chunks = await translate(fixture('anthropic-stream-tool-use.sse'));
    expect(chunks.every((chunk) => chunk.id === 'msg_014p7gG3wDgGV9EUtLvnow3U' && chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Okay' },
      { content: ", let's check the weather." },
      { tool_calls: [{ index: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"location":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: ' "San Francisco, CA"}' } }] },
      {},
      null,
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 } });
  });

  it('throws on an error event and on a stream that ends before message_stop', async () => {
    const start = fixture('anthropic-stream-tool-use.sse').split('event: content_block_stop')[0]!;
    const overloaded = `${start}event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
    await expect(translate(overloaded)).rejects.toMatchObject({ failure: 'server_error', message: expect.stringContaining('overloaded_error') });
    await expect(translate(start)).rejects.toBeInstanceOf(ProviderFailedError);
    await expect(translate(start)).rejects.toMatchObject({ failure: 'connection' });
  });
});
