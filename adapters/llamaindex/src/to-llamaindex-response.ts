import type { ChatChunk, ChatResponse, Receipt, ToolCall } from '@routekit/core';
import type { ChatResponse as LlamaIndexResponse, ChatResponseChunk, PartialToolCall, ToolCall as LlamaIndexToolCall, ToolCallLLMMessageOptions } from '@llamaindex/core/llms';
import { llamaIndexToolCall } from './tool-call-input.js';

/**
 * The engine's answer as a LlamaIndex chat response. `raw` is the OpenAI-shaped chat completion
 * the engine produced (PII restored), with the receipt under `raw.routekit`.
 */
export function toLlamaIndexResponse(response: ChatResponse, receipt: Receipt): LlamaIndexResponse<ToolCallLLMMessageOptions> {
  const message = response.choices[0]?.message;
  const toolCalls = message?.tool_calls ?? [];
  return {
    message: { role: 'assistant', content: message?.content ?? '', ...(toolCalls.length > 0 && { options: { toolCall: toolCalls.map(toLlamaIndexToolCall) } }) },
    raw: { ...response, routekit: receipt },
  };
}

/**
 * The engine's stream as LlamaIndex chunks: one per text delta (`raw` is the OpenAI-shaped chunk),
 * the complete tool calls in `options.toolCall` on the chunk that finishes, and a last chunk with
 * an empty delta whose `raw.routekit` is the receipt, finished once the stream has ended.
 */
export async function* toLlamaIndexStream(stream: AsyncIterable<ChatChunk>, receipt: Receipt): AsyncGenerator<ChatResponseChunk<ToolCallLLMMessageOptions>> {
  const calls = new Map<number, ToolCall>();
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    if (choice === undefined) continue;
    for (const delta of choice.delta.tool_calls ?? []) {
      const call = calls.get(delta.index) ?? { id: '', type: 'function', function: { name: '', arguments: '' } };
      call.id ||= delta.id ?? '';
      call.function.name += delta.function?.name ?? '';
      call.function.arguments += delta.function?.arguments ?? '';
      calls.set(delta.index, call);
    }
    const finished = choice.finish_reason !== null && calls.size > 0;
    const delta = choice.delta.content ?? '';
    if (delta === '' && !finished) continue;
    yield { delta, raw: chunk, ...(finished && { options: { toolCall: [...calls.values()].map(toLlamaIndexToolCall) } }) };
  }
  yield { delta: '', raw: { object: 'routekit.receipt', routekit: receipt } };
}

function toLlamaIndexToolCall(call: ToolCall): LlamaIndexToolCall | PartialToolCall {
  return llamaIndexToolCall(call.id, call.function.name, call.function.arguments);
}
