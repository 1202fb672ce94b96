import type { ChatChunk, ChatResponse, FinishReason, ToolCall, Usage } from '@routekit/core';
import type { ChatResponse as LlamaIndexResponse, ChatResponseChunk, ToolCallLLMMessageOptions } from '@llamaindex/core/llms';
import { textOf } from './to-chat-request.js';
import { toolArguments } from './tool-call-input.js';

/** A delegate's LlamaIndex chat response as the engine's OpenAI-shaped response. */
export function fromDelegateResponse(response: LlamaIndexResponse<ToolCallLLMMessageOptions>, model: string): ChatResponse {
  const toolCalls = toolCallsOf(response.message.options);
  const content = textOf(response.message.content);
  const usage = usageOf(response.raw);
  return {
    id: idOf(response.raw),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: content === '' && toolCalls.length > 0 ? null : content, ...(toolCalls.length > 0 && { tool_calls: toolCalls }) },
        finish_reason: finishReasonOf(response.raw) ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      },
    ],
    ...(usage !== undefined && { usage }),
  };
}

/**
 * A delegate's LlamaIndex chunk stream as OpenAI-shaped chunks. Text goes on as it comes; tool
 * calls are sent once complete, with the finish reason, because LlamaIndex LLMs repeat a growing
 * partial call on each chunk (the latest one per id wins).
 */
export async function* fromDelegateStream(stream: AsyncIterable<ChatResponseChunk<ToolCallLLMMessageOptions>>, model: string): AsyncGenerator<ChatChunk> {
  const id = `chatcmpl-${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: ChatChunk['choices'], usage?: Usage): ChatChunk => ({ id, object: 'chat.completion.chunk', created, model, choices, ...(usage !== undefined && { usage }) });
  const calls = new Map<string, ToolCall>();
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;
  let first = true;
  for await (const part of stream) {
    for (const call of toolCallsOf(part.options)) calls.set(call.id, call);
    finishReason = finishReasonOf(part.raw) ?? finishReason;
    usage = usageOf(part.raw) ?? usage;
    if (part.delta === '') continue;
    yield chunk([{ index: 0, delta: { ...(first && { role: 'assistant' as const }), content: part.delta }, finish_reason: null }]);
    first = false;
  }
  const toolCalls = [...calls.values()].map((call, index) => ({ index, id: call.id, type: 'function' as const, function: call.function }));
  yield chunk([{ index: 0, delta: { ...(first && { role: 'assistant' as const }), ...(toolCalls.length > 0 && { tool_calls: toolCalls }) }, finish_reason: finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop') }]);
  if (usage !== undefined) yield chunk([], usage);
}

function toolCallsOf(options: ToolCallLLMMessageOptions | undefined): ToolCall[] {
  if (options === undefined || !('toolCall' in options) || !Array.isArray(options.toolCall)) return [];
  return options.toolCall.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: toolArguments(call.input) } }));
}

// The delegate's raw answer is whatever its SDK returned; OpenAI-shaped ones tell usage and finish reason.
type RawShape = { id?: unknown; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown; input_tokens?: unknown; output_tokens?: unknown } | null; choices?: Array<{ finish_reason?: unknown }> };

const finishReasons = new Set<FinishReason>(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);

function finishReasonOf(raw: object | null): FinishReason | undefined {
  const reason = (raw as RawShape | null)?.choices?.[0]?.finish_reason;
  if (typeof reason === 'string' && finishReasons.has(reason as FinishReason)) return reason as FinishReason;
  return undefined;
}

function usageOf(raw: object | null): Usage | undefined {
  const usage = (raw as RawShape | null)?.usage;
  if (usage === undefined || usage === null) return undefined;
  const prompt = usage.prompt_tokens ?? usage.input_tokens;
  const completion = usage.completion_tokens ?? usage.output_tokens;
  if (typeof prompt !== 'number' || typeof completion !== 'number') return undefined;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function idOf(raw: object | null): string {
  const id = (raw as RawShape | null)?.id;
  return typeof id === 'string' ? id : `chatcmpl-${Date.now().toString(36)}`;
}
