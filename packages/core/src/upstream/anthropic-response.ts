import type { ThinkingBlock, ToolCall } from '../chat/chat-request.js';
import type { ChatChunk, ChatResponse, ChunkChoice, FinishReason, Usage } from '../chat/chat-response.js';
import { ProviderFailedError } from '../errors.js';
import type { AnthropicResponse, AnthropicStopReason, AnthropicStreamEvent, AnthropicUsage } from './anthropic-types.js';
import { badResponse, safeUpstreamMessage, streamCut, type FailureContext } from './provider-failure.js';
import type { ServerSentEvent } from './server-sent-events.js';

/** Anthropic's stop reasons in OpenAI's terms. */
export function finishReasonOf(reason: AnthropicStopReason | undefined): FinishReason {
  if (reason === 'max_tokens') return 'length';
  if (reason === 'tool_use') return 'tool_calls';
  if (reason === 'refusal') return 'content_filter';
  return 'stop';
}

/**
 * Input tokens include prompt-cache writes and reads: they are all prompt the provider read. The
 * reads and writes are also broken out (OpenAI's `cached_tokens`, routekit's `cache_creation_tokens`),
 * since they are billed at other prices.
 */
export function usageOf(usage: Partial<AnthropicUsage> | undefined): Usage {
  const read = usage?.cache_read_input_tokens ?? 0;
  const written = usage?.cache_creation_input_tokens ?? 0;
  const prompt = (usage?.input_tokens ?? 0) + written + read;
  const completion = usage?.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...((read > 0 || written > 0) && { prompt_tokens_details: { cached_tokens: read, cache_creation_tokens: written } }),
  };
}

/** Translates a Messages API response into a chat completion. */
export function fromAnthropicResponse(body: unknown, context: FailureContext, created = Math.floor(Date.now() / 1000)): ChatResponse {
  const message = body as AnthropicResponse;
  if (typeof body !== 'object' || body === null || message.type !== 'message' || !Array.isArray(message.content)) throw badResponse(context, 'not a message');
  let text: string | null = null;
  const toolCalls: ToolCall[] = [];
  const thinking: ThinkingBlock[] = [];
  for (const block of message.content) {
    if (block.type === 'text') text = (text ?? '') + (block as { text: string }).text;
    else if (block.type === 'thinking' || block.type === 'redacted_thinking') thinking.push(block as ThinkingBlock);
    else if (block.type === 'tool_use') {
      const call = block as { id: string; name: string; input: unknown };
      toolCalls.push({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) } });
    }
  }
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, ...(toolCalls.length > 0 && { tool_calls: toolCalls }), ...(thinking.length > 0 && { thinking_blocks: thinking }) },
        finish_reason: finishReasonOf(message.stop_reason),
        logprobs: null,
        ...(typeof message.stop_sequence === 'string' && { stop_sequence: message.stop_sequence }),
      },
    ],
    usage: usageOf(message.usage),
  };
}

/**
 * Translates a Messages event stream into chat completion chunks: a role chunk at
 * `message_start`, text and tool call deltas (a tool call's first delta carries its index, id and
 * name, the next ones argument fragments), a finish chunk at `message_delta`, and a usage-only
 * chunk with empty `choices` at `message_stop`. An `error` event or an end before
 * `message_stop` throws a ProviderFailedError.
 */
export async function* fromAnthropicEvents(events: AsyncIterable<ServerSentEvent>, context: FailureContext, created = Math.floor(Date.now() / 1000)): AsyncGenerator<ChatChunk> {
  let id = '';
  let model = context.model;
  let usage: Partial<AnthropicUsage> = {};
  const toolIndexOfBlock = new Map<number, number>();
  const thinkingIndexOfBlock = new Map<number, number>();
  const chunk = (choices: ChunkChoice[], extra?: Partial<ChatChunk>): ChatChunk => ({ id, object: 'chat.completion.chunk', created, model, choices, ...extra });
  const delta = (value: ChunkChoice['delta'], finishReason: FinishReason | null = null) => chunk([{ index: 0, delta: value, finish_reason: finishReason }]);

  let stopped = false;
  try {
    for await (const sent of events) {
      // Read on to the end of the body after message_stop so the socket goes back to the pool.
      if (stopped) continue;
      let event: AnthropicStreamEvent;
      try {
        event = JSON.parse(sent.data);
      } catch (error) {
        throw badResponse(context, 'invalid JSON in the stream', error);
      }
      switch (event.type) {
        case 'message_start':
          id = event.message.id;
          model = event.message.model ?? model;
          usage = { ...event.message.usage };
          yield delta({ role: 'assistant', content: '' });
          break;
        case 'content_block_start': {
          const block = event.content_block;
          if (block.type === 'tool_use') {
            const index = toolIndexOfBlock.size;
            toolIndexOfBlock.set(event.index, index);
            yield delta({ tool_calls: [{ index, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
          } else if (block.type === 'text' && block.text) yield delta({ content: block.text });
          else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
            const index = thinkingIndexOfBlock.size;
            thinkingIndexOfBlock.set(event.index, index);
            yield delta({ thinking_blocks: [{ index, type: block.type, ...(block.type === 'thinking' ? { thinking: block.thinking ?? '', ...(block.signature && { signature: block.signature }) } : { data: block.data ?? '' }) }] });
          }
          break;
        }
        case 'content_block_delta': {
          const change = event.delta as { type: string; text?: string; partial_json?: string; thinking?: string; signature?: string };
          if (change.type === 'text_delta' && change.text) yield delta({ content: change.text });
          const thinkingIndex = thinkingIndexOfBlock.get(event.index);
          if (change.type === 'thinking_delta' && change.thinking && thinkingIndex !== undefined) yield delta({ thinking_blocks: [{ index: thinkingIndex, thinking: change.thinking }] });
          if (change.type === 'signature_delta' && change.signature && thinkingIndex !== undefined) yield delta({ thinking_blocks: [{ index: thinkingIndex, signature: change.signature }] });
          const index = toolIndexOfBlock.get(event.index);
          if (change.type === 'input_json_delta' && change.partial_json && index !== undefined) yield delta({ tool_calls: [{ index, function: { arguments: change.partial_json } }] });
          break;
        }
        case 'message_delta': {
          // message_delta's usage is cumulative; a null means "not given here", not zero.
          usage = { ...usage, ...Object.fromEntries(Object.entries(event.usage ?? {}).filter(([, value]) => value !== null && value !== undefined)) };
          const finish: ChunkChoice = { index: 0, delta: {}, finish_reason: finishReasonOf(event.delta.stop_reason) };
          if (typeof event.delta.stop_sequence === 'string') finish.stop_sequence = event.delta.stop_sequence;
          yield chunk([finish]);
          break;
        }
        case 'message_stop':
          stopped = true;
          yield chunk([], { usage: usageOf(usage) });
          break;
        case 'error':
          throw streamError(event.error, context);
        default:
          // ping, content_block_stop, and event types newer than this translation carry nothing to pass on.
          break;
      }
    }
  } catch (error) {
    if (stopped) return;
    throw error;
  }
  if (!stopped) throw streamCut(context);
}

function streamError(error: { type?: string; message?: string } | undefined, context: FailureContext): ProviderFailedError {
  const message = safeUpstreamMessage(error?.type);
  return new ProviderFailedError(`Provider ${context.provider} failed mid-stream for model ${context.model}${message === undefined ? '' : `: ${message}`}`, {
    ...context,
    failure: error?.type === 'rate_limit_error' ? 'rate_limited' : 'server_error',
    // Overloaded is Anthropic's own 529; kept so an Anthropic client of the gateway sees the same.
    ...(error?.type === 'overloaded_error' && { upstreamStatus: 529 }),
  });
}
