import type { ChatChunk, ChatResponse, ChunkChoice } from '../chat/chat-response.js';
import type { ReplyPlan } from './mock-reply.js';
import type { WireEvent } from './mock-stream.js';

let completionCounter = 0;

/** A fresh `chatcmpl-…` id and creation time for one answer. */
export function completionIdentity(): { id: string; created: number } {
  return { id: `chatcmpl-mock-${++completionCounter}`, created: Math.floor(Date.now() / 1000) };
}

/** A non-streamed chat completion exactly as OpenAI shapes it. */
export function chatCompletionOf(plan: ReplyPlan): ChatResponse {
  const text = plan.textPieces.join('');
  const toolCalls = plan.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } }));
  return {
    ...completionIdentity(),
    object: 'chat.completion',
    model: plan.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: toolCalls.length > 0 && text === '' ? null : text, refusal: null, ...(toolCalls.length > 0 && { tool_calls: toolCalls }) },
        logprobs: null,
        finish_reason: plan.finishReason,
      },
    ],
    usage: plan.usage,
    system_fingerprint: null,
  };
}

/**
 * The SSE events of a streamed completion: the first delta carries the role, tool calls start
 * with index, id, type and name and continue with argument fragments, a last choice chunk carries
 * the finish reason, the usage-only chunk (empty `choices`) follows when `includeUsage`, then `[DONE]`.
 */
export function chatCompletionEvents(plan: ReplyPlan, includeUsage: boolean): WireEvent[] {
  const identity = completionIdentity();
  const chunk = (choices: ChunkChoice[], usage?: ChatChunk['usage']): string => {
    const body: ChatChunk = { ...identity, object: 'chat.completion.chunk', model: plan.model, system_fingerprint: null, choices };
    if (includeUsage) body.usage = usage ?? null;
    return `data: ${JSON.stringify(body)}\n\n`;
  };
  const deltas: ChunkChoice['delta'][] = plan.textPieces.map((piece) => ({ content: piece }));
  plan.toolCalls.forEach((call, index) => {
    deltas.push({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] });
    for (const piece of call.argumentPieces) deltas.push({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  if (deltas.length === 0) deltas.push({ content: '' });
  const first = deltas[0]!;
  deltas[0] = { role: 'assistant', ...('content' in first ? {} : { content: null }), ...first };
  const events: WireEvent[] = deltas.map((delta) => ({ text: chunk([{ index: 0, delta, logprobs: null, finish_reason: null }]), content: true }));
  events.push({ text: chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: plan.finishReason }]), content: false });
  if (includeUsage) events.push({ text: chunk([], plan.usage), content: false });
  events.push({ text: 'data: [DONE]\n\n', content: false });
  return events;
}

/** An error body in OpenAI's shape, with the type and code OpenAI uses for the status. */
export function openAiErrorBody(status: number, message?: string): { error: { message: string; type: string; param: string | null; code: string | null } } {
  if (status === 401) return { error: { message: message ?? 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } };
  if (status === 404) return { error: { message: message ?? 'The model does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' } };
  if (status === 429) return { error: { message: message ?? 'Rate limit reached for requests (mock).', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
  if (status >= 500) return { error: { message: message ?? 'The server had an error while processing your request (mock).', type: 'server_error', param: null, code: null } };
  return { error: { message: message ?? 'Invalid request (mock).', type: 'invalid_request_error', param: null, code: null } };
}
