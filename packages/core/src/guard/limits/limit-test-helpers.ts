import type { ChatRequest } from '../../chat/chat-request.js';
import type { ChatChunk, ChatResponse, Usage } from '../../chat/chat-response.js';
import type { ModelInfo } from '../../catalog/model-info.js';
import type { ChatResult } from '../../pipeline/chat-result.js';
import { createExchange } from '../../pipeline/create-exchange.js';
import type { Attempt, Exchange, ExchangeInput } from '../../pipeline/exchange.js';

/** A model with round prices: $1 per million input tokens and $2 per million output tokens unless given. */
export function testModel(overrides: Partial<ModelInfo> = {}): ModelInfo {
  return {
    id: 'test/model',
    provider: 'test',
    upstreamModel: 'model',
    inputPricePerMillion: 1,
    outputPricePerMillion: 2,
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    capabilities: { tools: true, vision: false, jsonMode: true },
    quality: 0.5,
    typicalTimeToFirstTokenMs: 300,
    typicalTokensPerSecond: 100,
    ...overrides,
  };
}

/** A request whose text is exactly `characters` long (plus the per-message overhead of 4). */
export function testRequest(characters = 396, fields: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(characters) }], ...fields };
}

export function testExchange(input: Partial<ExchangeInput> = {}): Exchange {
  return createExchange({ request: testRequest(), ...input });
}

export function testAttempt(exchange: Exchange, model = testModel()): Attempt {
  return { exchange, model, request: { ...exchange.request, model: model.upstreamModel }, index: 0 };
}

export function responseWith(usage: Usage | undefined, content = 'ok'): ChatResult {
  const response: ChatResponse = {
    id: 'r',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    ...(usage === undefined ? {} : { usage }),
  };
  return { type: 'response', response };
}

export function streamWith(usage: Usage | undefined, pieces: string[] = ['o', 'k']): ChatResult {
  async function* chunks(): AsyncGenerator<ChatChunk> {
    for (const piece of pieces) yield { id: 's', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] };
    if (usage !== undefined) yield { id: 's', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [], usage };
  }
  return { type: 'stream', stream: chunks() };
}

export async function drain(result: ChatResult): Promise<void> {
  if (result.type === 'stream') for await (const _chunk of result.stream);
}

export const usage = (prompt: number, completion: number): Usage => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });
