import type { AIMessage, AIMessageChunk, BaseMessage, UsageMetadata } from '@langchain/core/messages';
import type { ChatChunk, ChatResponse, FinishReason, ToolCall, ToolCallDelta, Usage } from '@routekit/core';
import { textOf } from './to-chat-request.js';

/** A delegate's answer as the core's chat completion. */
export function toChatResponse(message: BaseMessage, model: string): ChatResponse {
  const ai = message as AIMessage;
  const toolCalls: ToolCall[] = [
    ...(ai.tool_calls ?? []).map((call, index) => ({ id: call.id ?? `call_${index}`, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.args) } })),
    // A call whose arguments did not parse is still the model's answer: the app's parser decides.
    ...(ai.invalid_tool_calls ?? []).map((call, index) => ({ id: call.id ?? `call_invalid_${index}`, type: 'function' as const, function: { name: call.name ?? '', arguments: call.args ?? '' } })),
  ];
  const text = textOf(message.content);
  const usage = toUsage(ai.usage_metadata);
  return {
    id: message.id ?? 'chatcmpl-langchain',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text, ...(toolCalls.length > 0 && { tool_calls: toolCalls }) },
        finish_reason: finishReasonOf(message.response_metadata, toolCalls.length > 0),
      },
    ],
    ...(usage !== undefined && { usage }),
  };
}

/**
 * A delegate's stream as chat completion chunks: text and tool-call fragments as they come, then
 * one chunk with the finish reason and one usage-only chunk, the shape the engine's relay expects.
 */
export async function* toChatChunks(stream: AsyncIterable<AIMessageChunk>, model: string): AsyncGenerator<ChatChunk> {
  const chunk = (choices: ChatChunk['choices'], usage?: Usage): ChatChunk => ({ id: 'chatcmpl-langchain', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices, ...(usage && { usage }) });
  let usage: UsageMetadata | undefined;
  let finish: unknown;
  let sawToolCall = false;
  for await (const part of stream) {
    const text = textOf(part.content);
    const toolCalls: ToolCallDelta[] = (part.tool_call_chunks ?? []).map((call, position) => ({
      index: call.index ?? position,
      ...(call.id !== undefined && { id: call.id, type: 'function' as const }),
      function: { ...(call.name !== undefined && { name: call.name }), arguments: call.args ?? '' },
    }));
    sawToolCall ||= toolCalls.length > 0;
    if (part.usage_metadata !== undefined) usage = addUsage(usage, part.usage_metadata);
    finish = part.response_metadata?.finish_reason ?? part.response_metadata?.stop_reason ?? finish;
    if (text !== '' || toolCalls.length > 0) yield chunk([{ index: 0, delta: { ...(text !== '' && { content: text }), ...(toolCalls.length > 0 && { tool_calls: toolCalls }) }, finish_reason: null }]);
  }
  yield chunk([{ index: 0, delta: {}, finish_reason: finishReasonOf({ finish_reason: finish }, sawToolCall) }]);
  const total = toUsage(usage);
  if (total !== undefined) yield chunk([], total);
}

function addUsage(left: UsageMetadata | undefined, right: UsageMetadata): UsageMetadata {
  if (left === undefined) return right;
  return { input_tokens: left.input_tokens + right.input_tokens, output_tokens: left.output_tokens + right.output_tokens, total_tokens: left.total_tokens + right.total_tokens };
}

function toUsage(usage: UsageMetadata | undefined): Usage | undefined {
  if (usage === undefined) return undefined;
  return { prompt_tokens: usage.input_tokens, completion_tokens: usage.output_tokens, total_tokens: usage.total_tokens };
}

const finishReasons: Record<string, FinishReason> = { stop: 'stop', end_turn: 'stop', stop_sequence: 'stop', STOP: 'stop', length: 'length', max_tokens: 'length', MAX_TOKENS: 'length', tool_calls: 'tool_calls', tool_use: 'tool_calls', content_filter: 'content_filter', function_call: 'function_call' };

/** Providers name the finish reason differently (OpenAI, Anthropic, Gemini); unknown or absent reads from the answer. */
function finishReasonOf(metadata: Record<string, unknown> | undefined, hasToolCalls: boolean): FinishReason {
  const reason = metadata?.finish_reason ?? metadata?.stop_reason;
  if (typeof reason === 'string' && Object.hasOwn(finishReasons, reason)) return finishReasons[reason]!;
  return hasToolCalls ? 'tool_calls' : 'stop';
}
