import { AIMessageChunk, type InvalidToolCall, type ToolCall, type UsageMetadata } from '@langchain/core/messages';
import { ChatGenerationChunk } from '@langchain/core/outputs';
import type { ChatChunk, ChatResponse, Receipt, Usage } from '@routekit/core';

/**
 * The engine's answer as what the app gets. An AIMessageChunk, not an AIMessage: LangChain's own
 * structured-output parsers accept only chunks (notes/frameworks.md, section 1.2).
 */
export function toAIMessageChunk(response: ChatResponse, receipt: Receipt): AIMessageChunk {
  const choice = response.choices[0];
  const toolCalls: ToolCall[] = [];
  const invalidToolCalls: InvalidToolCall[] = [];
  for (const call of choice?.message.tool_calls ?? []) {
    try {
      const args: unknown = JSON.parse(call.function.arguments === '' ? '{}' : call.function.arguments);
      if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new TypeError('tool arguments are not a JSON object');
      toolCalls.push({ id: call.id, name: call.function.name, args: args as Record<string, unknown>, type: 'tool_call' });
    } catch (error) {
      invalidToolCalls.push({ id: call.id, name: call.function.name, args: call.function.arguments, error: (error as Error).message, type: 'invalid_tool_call' });
    }
  }
  return new AIMessageChunk({
    id: response.id,
    content: choice?.message.content ?? '',
    tool_calls: toolCalls,
    invalid_tool_calls: invalidToolCalls,
    usage_metadata: toUsageMetadata(response.usage ?? usageOfReceipt(receipt)),
    response_metadata: { model_name: response.model, finish_reason: choice?.finish_reason ?? 'stop', routekit: receipt },
  });
}

/** One streamed chunk of text and tool-call fragments; the finish reason rides on the chunk that ends the choice. */
export function toGenerationChunk(chunk: ChatChunk): ChatGenerationChunk | undefined {
  const choice = chunk.choices[0];
  if (choice === undefined) return undefined;
  const text = choice.delta.content ?? '';
  const message = new AIMessageChunk({
    id: chunk.id,
    content: text,
    tool_call_chunks: (choice.delta.tool_calls ?? []).map((call) => ({
      index: call.index,
      ...(call.id !== undefined && { id: call.id }),
      ...(call.function?.name !== undefined && { name: call.function.name }),
      args: call.function?.arguments ?? '',
      type: 'tool_call_chunk' as const,
    })),
    ...(choice.finish_reason !== null && { response_metadata: { finish_reason: choice.finish_reason } }),
  });
  return new ChatGenerationChunk({ text, message, ...(choice.finish_reason !== null && { generationInfo: { finish_reason: choice.finish_reason } }) });
}

/**
 * The stream's last chunk, once the engine finished it: usage, the chosen model and the receipt.
 * They ride on one chunk only, because concatenating chunks joins string metadata.
 */
export function toClosingChunk(id: string, usage: Usage | undefined, receipt: Receipt): ChatGenerationChunk {
  const tokens = usage ?? usageOfReceipt(receipt);
  const message = new AIMessageChunk({
    id,
    content: '',
    usage_metadata: toUsageMetadata(tokens),
    response_metadata: { model_name: receipt.winner ?? receipt.model_requested, routekit: receipt },
  });
  return new ChatGenerationChunk({ text: '', message });
}

/** The receipt's tokens (estimated from text length when the delegate reported none). */
function usageOfReceipt(receipt: Receipt): Usage {
  return { prompt_tokens: receipt.tokens.prompt, completion_tokens: receipt.tokens.completion, total_tokens: receipt.tokens.total };
}

function toUsageMetadata(usage: Usage): UsageMetadata {
  return { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };
}
