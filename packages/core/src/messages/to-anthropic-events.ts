import type { ChatChunk, ChunkChoice, Usage } from '../chat/chat-response.js';
import { anthropicUsageOf, stopReasonOf } from './to-anthropic-message.js';

/** One event of Anthropic's message stream: its `type` is also the SSE event name. */
export type AnthropicEvent = { type: string; [field: string]: unknown };

type OpenBlock = { kind: 'text' | 'tool' | 'thinking'; index: number };

/**
 * Translates a chat stream into Anthropic's event sequence: `message_start` and a `ping` at the
 * first chunk, then per block `content_block_start`, its deltas (`text_delta`, `input_json_delta`,
 * `thinking_delta`, `signature_delta`) and `content_block_stop`, one block open at a time; at the
 * end `message_delta` (stop reason, whole-message usage, and whatever the last chunk carried
 * beside it, such as routekit's receipt, under the same field names) and `message_stop`. A failure
 * of the source is thrown on, for the writer to send as an `error` event.
 */
export async function* toAnthropicEvents(stream: AsyncIterable<ChatChunk>): AsyncGenerator<AnthropicEvent> {
  let started = false;
  let open: OpenBlock | undefined;
  let blocks = 0;
  const toolBlocks = new Map<number, number>();
  const thinkingBlocks = new Map<number, number>();
  let finish: ChunkChoice | undefined;
  let usage: Usage | undefined;
  let extras: Record<string, unknown> = {};

  function* close(): Generator<AnthropicEvent> {
    if (open !== undefined) yield { type: 'content_block_stop', index: open.index };
    open = undefined;
  }
  function* start(kind: OpenBlock['kind'], block: Record<string, unknown>): Generator<AnthropicEvent, number> {
    yield* close();
    open = { kind, index: blocks };
    blocks += 1;
    yield { type: 'content_block_start', index: open.index, content_block: block };
    return open.index;
  }

  for await (const chunk of stream) {
    if (!started) {
      started = true;
      yield { type: 'message_start', message: { id: chunk.id, type: 'message', role: 'assistant', model: chunk.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } };
      yield { type: 'ping' };
    }
    if (chunk.usage) usage = chunk.usage;
    const { id: _id, object: _object, created: _created, model: _model, choices: _choices, usage: _usage, system_fingerprint: _fingerprint, ...rest } = chunk;
    if (Object.keys(rest).length > 0) extras = rest;
    const choice = chunk.choices.find((candidate) => candidate.index === 0);
    if (choice === undefined) continue;
    const { delta } = choice;
    for (const piece of delta.thinking_blocks ?? []) {
      let index = thinkingBlocks.get(piece.index);
      if (index === undefined) {
        index = yield* start('thinking', piece.type === 'redacted_thinking' ? { type: 'redacted_thinking', data: piece.data ?? '' } : { type: 'thinking', thinking: '', signature: '' });
        thinkingBlocks.set(piece.index, index);
      }
      if (piece.thinking) yield { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece.thinking } };
      if (piece.signature) yield { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: piece.signature } };
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      const index = open?.kind === 'text' ? open.index : yield* start('text', { type: 'text', text: '' });
      yield { type: 'content_block_delta', index, delta: { type: 'text_delta', text: delta.content } };
    }
    for (const call of delta.tool_calls ?? []) {
      let index = toolBlocks.get(call.index);
      if (index === undefined) {
        index = yield* start('tool', { type: 'tool_use', id: call.id ?? `toolu_rk_${call.index}`, name: call.function?.name ?? '', input: {} });
        toolBlocks.set(call.index, index);
      }
      // A fragment of an earlier call (a restored placeholder's held-back rest) still goes to its own block.
      if (call.function?.arguments) yield { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: call.function.arguments } };
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) finish = choice;
  }
  if (!started) return;
  yield* close();
  const { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens } = anthropicUsageOf(usage);
  yield {
    type: 'message_delta',
    delta: { stop_reason: stopReasonOf(finish?.finish_reason, finish?.stop_sequence), stop_sequence: finish?.stop_sequence ?? null },
    usage: { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens },
    ...extras,
  };
  yield { type: 'message_stop' };
}
