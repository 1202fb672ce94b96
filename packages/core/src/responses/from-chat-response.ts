import type { ChatMessage } from '../chat/chat-request.js';
import type { ChatResponse, FinishReason, Usage } from '../chat/chat-response.js';
import type { ResponsesRequest } from './responses-request.js';
import { responseShell, type ResponseIdentity, type ResponseObject, type ResponseOutputItem, type ResponseUsage } from './response-object.js';

/**
 * Translates the engine's chat completion into a Responses object: the assistant's text becomes a
 * `message` item with `output_text`, each tool call a `function_call` item whose `call_id` is the
 * tool call's id, a `length` finish an `incomplete` status, and usage OpenAI's Responses names.
 *
 * @example
 * const response = fromChatResponse(chat, request, { id: 'resp_1', createdAt: 1733500000, model: chat.model, store: false });
 */
export function fromChatResponse(chat: ChatResponse, request: ResponsesRequest, identity: ResponseIdentity): ResponseObject {
  const message = chat.choices[0]?.message;
  const output: ResponseOutputItem[] = [];
  const status = statusOf(chat.choices[0]?.finish_reason ?? null);
  const itemStatus = status === 'incomplete' ? 'incomplete' : 'completed';
  if ((message?.content !== null && message?.content !== undefined && message.content !== '') || typeof message?.refusal === 'string') {
    output.push({
      id: itemId('msg', identity.id, 0),
      type: 'message',
      role: 'assistant',
      status: itemStatus,
      content: typeof message.refusal === 'string' && message.refusal !== '' ? [{ type: 'refusal', refusal: message.refusal }] : [{ type: 'output_text', text: message.content ?? '', annotations: [], logprobs: [] }],
    });
  }
  for (const call of message?.tool_calls ?? []) {
    output.push({ id: itemId('fc', identity.id, output.length), type: 'function_call', call_id: call.id, name: call.function.name, arguments: call.function.arguments, status: 'completed' });
  }
  return {
    ...responseShell(request, identity),
    status,
    completed_at: Math.floor(Date.now() / 1000),
    ...(status === 'incomplete' && { incomplete_details: { reason: chat.choices[0]?.finish_reason === 'content_filter' ? 'content_filter' : 'max_output_tokens' } }),
    output,
    output_text: outputText(output),
    ...(chat.usage !== undefined && { usage: toResponseUsage(chat.usage) }),
  };
}

export function statusOf(finish: FinishReason | null): 'completed' | 'incomplete' {
  return finish === 'length' || finish === 'content_filter' ? 'incomplete' : 'completed';
}

/** Item ids are derived from the response id, so a stream's items and the stored object agree. */
export function itemId(kind: 'msg' | 'fc', responseId: string, index: number): string {
  return `${kind}_${responseId.replace(/^resp_/, '')}_${index}`;
}

export function outputText(output: readonly ResponseOutputItem[]): string {
  return output.flatMap((item) => (item.type === 'message' ? item.content.flatMap((part) => (part.type === 'output_text' ? [part.text] : [])) : [])).join('');
}

/** Chat usage in the Responses API's names; cached and reasoning tokens where the provider reported them. */
export function toResponseUsage(usage: Usage): ResponseUsage {
  const details = usage as Usage & { prompt_tokens_details?: { cached_tokens?: number }; completion_tokens_details?: { reasoning_tokens?: number } };
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: details.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: details.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  };
}

/** The assistant turn a response adds to its conversation, in chat form, for the next turn of `previous_response_id`. */
export function assistantMessage(response: ResponseObject): ChatMessage {
  const calls = response.output.flatMap((item) => (item.type === 'function_call' ? [{ id: item.call_id, type: 'function' as const, function: { name: item.name, arguments: item.arguments } }] : []));
  const text = outputText(response.output);
  return { role: 'assistant', content: text === '' && calls.length > 0 ? null : text, ...(calls.length > 0 && { tool_calls: calls }) };
}
