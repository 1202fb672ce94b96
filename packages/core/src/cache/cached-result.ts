import type { ChatChunk, ChatResponse, FinishReason } from '../chat/chat-response.js';
import { isEmbeddingResponse } from '../embeddings/embedding-response.js';
import type { ChatResult } from '../pipeline/chat-result.js';

/** Why an answer may not be cached, or null when it may. */
export function refuseToCache(response: ChatResponse): string | null {
  // Vectors of the exact input (the key holds the whole request): always whole, never a refusal.
  if (isEmbeddingResponse(response)) return null;
  if (response.choices.length !== 1) return 'choices';
  const [choice] = response.choices;
  if (choice!.finish_reason !== 'stop') return 'finish_reason';
  if (choice!.message.tool_calls?.length) return 'tool_calls';
  if (typeof choice!.message.content !== 'string' || choice!.message.refusal) return 'content';
  return null;
}

/** A cached answer sent back under a new id, as a response or, for `stream: true`, as chunks. */
export function replayCachedResponse(cached: ChatResponse, options: { id: string; stream: boolean; includeUsage: boolean }): ChatResult {
  const created = Math.floor(Date.now() / 1000);
  const response: ChatResponse = { ...structuredClone(cached), id: options.id, created };
  if (!options.stream) return { type: 'response', response };
  return { type: 'stream', stream: replayAsChunks(response, options.includeUsage) };
}

function splitForStreaming(text: string, pieces: number): string[] {
  const words = text.split(/(?<=\s)/);
  const size = Math.max(1, Math.ceil(words.length / pieces));
  const parts: string[] = [];
  for (let start = 0; start < words.length; start += size) parts.push(words.slice(start, start + size).join(''));
  return parts;
}

async function* replayAsChunks(response: ChatResponse, includeUsage: boolean): AsyncGenerator<ChatChunk> {
  const base = { id: response.id, object: 'chat.completion.chunk' as const, created: response.created, model: response.model };
  const message = response.choices[0]!.message;
  yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
  for (const content of splitForStreaming(message.content ?? '', 4)) yield { ...base, choices: [{ index: 0, delta: { content }, finish_reason: null }] };
  yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: response.choices[0]!.finish_reason ?? 'stop' }] };
  if (includeUsage) yield { ...base, choices: [], usage: response.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } };
}

/**
 * Passes a stream through while assembling the response it spells out; `onComplete` runs only if
 * the stream ended normally and the consumer read it to the end (not on errors or early exits).
 */
export async function* recordStream(stream: AsyncIterable<ChatChunk>, onComplete: (response: ChatResponse) => void): AsyncGenerator<ChatChunk> {
  let first: ChatChunk | undefined;
  let usage: ChatResponse['usage'];
  const choices = new Map<number, { content: string; finish: FinishReason | null; toolCalls: boolean; refusal: boolean }>();
  for await (const chunk of stream) {
    first ??= chunk;
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      const state = choices.get(choice.index) ?? { content: '', finish: null, toolCalls: false, refusal: false };
      state.content += choice.delta.content ?? '';
      state.toolCalls ||= Boolean(choice.delta.tool_calls?.length);
      state.refusal ||= Boolean(choice.delta.refusal);
      state.finish = choice.finish_reason ?? state.finish;
      choices.set(choice.index, state);
    }
    yield chunk;
  }
  if (!first) return;
  onComplete({
    id: first.id,
    object: 'chat.completion',
    created: first.created,
    model: first.model,
    choices: [...choices].map(([index, state]) => ({
      index,
      // A tool call or a refusal anywhere makes the record uncacheable, whatever the finish reason says.
      message: { role: 'assistant', content: state.refusal ? null : state.content },
      finish_reason: state.toolCalls ? 'tool_calls' : state.finish,
    })),
    ...(usage ? { usage } : {}),
  });
}
