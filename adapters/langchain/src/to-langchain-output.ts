import { AIMessageChunk, type InvalidToolCall, type ToolCall, type UsageMetadata } from '@langchain/core/messages';
import { ChatGenerationChunk } from '@langchain/core/outputs';
import type { ChatChunk, ChatResponse, FinishReason, Receipt, Usage } from '@routekit/core';

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
    response_metadata: { model_name: response.model, model: response.model, finish_reason: choice?.finish_reason ?? 'stop', routekit: receipt },
  });
}

/** One streamed chunk of text and tool-call fragments; undefined for a chunk with neither (a finish or usage chunk). */
export function toGenerationChunk(chunk: ChatChunk): ChatGenerationChunk | undefined {
  const delta = chunk.choices[0]?.delta;
  const text = delta?.content ?? '';
  const toolCalls = delta?.tool_calls ?? [];
  if (text === '' && toolCalls.length === 0) return undefined;
  const message = new AIMessageChunk({
    id: chunk.id,
    content: text,
    tool_call_chunks: toolCalls.map((call) => ({
      index: call.index,
      ...(call.id !== undefined && { id: call.id }),
      ...(call.function?.name !== undefined && { name: call.function.name }),
      args: call.function?.arguments ?? '',
      type: 'tool_call_chunk' as const,
    })),
  });
  return new ChatGenerationChunk({ text, message });
}

/**
 * The stream's last chunk, once the engine finished it: the finish reason, usage, the chosen model
 * and the receipt. They ride on one chunk only, because concatenating chunks joins string metadata.
 */
export function toClosingChunk(id: string, finishReason: FinishReason | null, usage: Usage | undefined, receipt: Receipt): ChatGenerationChunk {
  const tokens = usage ?? usageOfReceipt(receipt);
  const message = new AIMessageChunk({
    id,
    content: '',
    usage_metadata: toUsageMetadata(tokens),
    response_metadata: { model_name: receipt.winner ?? receipt.model_requested, model: receipt.winner ?? receipt.model_requested, finish_reason: finishReason ?? 'stop', routekit: receipt },
  });
  return new ChatGenerationChunk({ text: '', message, generationInfo: { finish_reason: finishReason ?? 'stop' } });
}

function usageOfReceipt(receipt: Receipt): Usage {
  return { prompt_tokens: receipt.tokens.prompt, completion_tokens: receipt.tokens.completion, total_tokens: receipt.tokens.total };
}

function toUsageMetadata(usage: Usage): UsageMetadata {
  return { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };
}
