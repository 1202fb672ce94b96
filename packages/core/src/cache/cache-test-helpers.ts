import type { ChatRequest } from '../chat/chat-request.js';
import type { ChatChunk, ChatResponse } from '../chat/chat-response.js';
import type { ChatResult } from '../pipeline/chat-result.js';
import { createExchange } from '../pipeline/create-exchange.js';
import type { EngineMiddleware } from '../pipeline/engine-middleware.js';
import type { Exchange, ExchangeInput } from '../pipeline/exchange.js';

/** A one-question request for the cache tests. */
export function question(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'auto', messages: [{ role: 'user', content: text }], ...extra };
}

export function answer(text: string, finishReason: 'stop' | 'length' | 'tool_calls' = 'stop'): ChatResponse {
  return {
    id: 'chatcmpl-upstream',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4.1-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

export async function* chunksOf(text: string, finishReason: 'stop' | 'length' = 'stop'): AsyncGenerator<ChatChunk> {
  const base = { id: 'chatcmpl-upstream', object: 'chat.completion.chunk' as const, created: 1, model: 'gpt-4.1-mini' };
  yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
  for (const word of text.split(' ')) yield { ...base, choices: [{ index: 0, delta: { content: `${word} ` }, finish_reason: null }] };
  yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] };
}

export async function collectText(result: ChatResult): Promise<{ text: string; chunks: ChatChunk[] }> {
  if (result.type === 'response') return { text: result.response.choices[0]!.message.content ?? '', chunks: [] };
  const chunks: ChatChunk[] = [];
  for await (const chunk of result.stream) chunks.push(chunk);
  return { text: chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join(''), chunks };
}

/**
 * Runs one request through the middleware over a fake upstream, and plays the engine's part of
 * finalising the receipt (winner and cost) once the answer is complete.
 */
export async function runThrough(middleware: EngineMiddleware, input: ExchangeInput, upstream: (exchange: Exchange) => ChatResult, costUsd = 0.002): Promise<{ exchange: Exchange; result: ChatResult; upstreamCalls: number }> {
  const exchange = createExchange(input);
  let upstreamCalls = 0;
  const result = await middleware.wrapRequest!(exchange, async () => {
    upstreamCalls += 1;
    exchange.receipt.winner = 'openai/gpt-4.1-mini';
    exchange.receipt.cost_usd = costUsd;
    return upstream(exchange);
  });
  return { exchange, result, upstreamCalls };
}
