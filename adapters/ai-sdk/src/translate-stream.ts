import type { LanguageModelV4StreamPart, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ChatChunk, ChunkChoice, FinishReason, Usage } from '@routekit/core';
import { fromFinishReason, fromUsage, toFinishReason, toUsage } from './translate-result.js';

/** Where a chunk keeps the delegate's part it stands for; the engine passes unknown chunk fields on. */
const PART = 'x-ai-sdk-part';

type FinishPart = Extract<LanguageModelV4StreamPart, { type: 'finish' }>;

function chunk(delta: ChunkChoice['delta'], part: LanguageModelV4StreamPart, extra: Partial<ChatChunk> = {}): ChatChunk {
  // Every chunk has a choice: the engine drops choice-less chunks (it keeps those for usage only).
  return { id: '', object: 'chat.completion.chunk', created: 0, model: '', choices: [{ index: 0, delta, finish_reason: null }], [PART]: part, ...extra };
}

/**
 * A delegate's stream as engine chunks, one per part: text and the app's tool-call input become
 * OpenAI deltas (which the engine reads, restores and caches), every other part rides along as is.
 * An error before the first token is thrown, so the engine can fall back to the next candidate.
 */
export async function* toChatChunks(stream: ReadableStream<LanguageModelV4StreamPart>, modelId: string, fail: (error: unknown) => unknown): AsyncGenerator<ChatChunk> {
  const toolIndexes = new Map<string, number>();
  let answered = false;
  let announced = false;
  try {
    for await (const part of stream) {
      // The app's `response.modelId` names the model that answered, even when its stream does not
      // say; a `response-metadata` part of the delegate's own comes later and wins.
      if (!announced && part.type !== 'stream-start') {
        announced = true;
        yield chunk({}, { type: 'response-metadata', modelId });
      }
      switch (part.type) {
        case 'stream-start':
          yield chunk({}, part);
          continue;
        case 'text-start':
        case 'text-end':
          continue; // regenerated around the restored text on the way back
        case 'text-delta':
          answered = true;
          yield chunk({ content: part.delta }, part);
          continue;
        case 'tool-input-start':
          if (part.providerExecuted) break;
          answered = true;
          toolIndexes.set(part.id, toolIndexes.size);
          yield chunk({ tool_calls: [{ index: toolIndexes.get(part.id)!, id: part.id, type: 'function', function: { name: part.toolName, arguments: '' } }] }, part);
          continue;
        case 'tool-input-delta':
          if (!toolIndexes.has(part.id)) break;
          yield chunk({ tool_calls: [{ index: toolIndexes.get(part.id)!, function: { arguments: part.delta } }] }, part);
          continue;
        case 'tool-call': {
          if (part.providerExecuted) break;
          answered = true;
          const streamed = toolIndexes.has(part.toolCallId);
          if (!streamed) toolIndexes.set(part.toolCallId, toolIndexes.size);
          const index = toolIndexes.get(part.toolCallId)!;
          yield chunk(streamed ? {} : { tool_calls: [{ index, id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input } }] }, part);
          continue;
        }
        case 'finish': {
          const usage = toUsage(part.usage);
          yield { ...chunk({}, part, usage && { usage }), choices: [{ index: 0, delta: {}, finish_reason: toFinishReason(part.finishReason) }] };
          continue;
        }
        case 'error':
          if (!answered) throw part.error;
          break;
      }
      yield chunk({}, part);
    }
  } catch (error) {
    throw fail(error);
  }
}

/**
 * Engine chunks back into AI SDK parts: the carried parts in their order, text and tool input from
 * the chunks' (restored) deltas, text blocks opened and closed around them, and one finish part at
 * the end whose provider metadata `finishMetadata` completes (the receipt is final only then).
 */
export async function* toStreamParts(chunks: AsyncIterable<ChatChunk>, finishMetadata: () => SharedV4ProviderMetadata): AsyncGenerator<LanguageModelV4StreamPart> {
  const toolIds = new Map<number, string>();
  const toolIndexes = new Map<string, number>();
  const toolArguments = new Map<number, string>();
  let textId: string | undefined;
  let textBlocks = 0;
  let finish: FinishPart | undefined;
  let finishReason: FinishReason | null = null;
  let usage: Usage | undefined;
  for await (const next of chunks) {
    const part = next[PART] as LanguageModelV4StreamPart | undefined;
    const delta = next.choices[0]?.delta ?? {};
    if (next.usage) usage = next.usage;
    finishReason = next.choices[0]?.finish_reason ?? finishReason;
    if (part?.type === 'finish') finish = part;
    if (delta.content) {
      if (textId === undefined) {
        textId = part?.type === 'text-delta' ? part.id : `routekit-text-${textBlocks}`;
        textBlocks += 1;
        yield { type: 'text-start', id: textId };
      }
      yield { type: 'text-delta', id: textId, delta: delta.content };
    }
    for (const call of delta.tool_calls ?? []) {
      if (call.id !== undefined) {
        toolIds.set(call.index, call.id);
        toolIndexes.set(call.id, call.index);
      }
      const piece = call.function?.arguments ?? '';
      toolArguments.set(call.index, (toolArguments.get(call.index) ?? '') + piece);
      if (piece !== '' && part?.type !== 'tool-call' && toolIds.has(call.index)) yield { type: 'tool-input-delta', id: toolIds.get(call.index)!, delta: piece };
    }
    if (part === undefined || part.type === 'text-delta' || part.type === 'tool-input-delta' || part.type === 'finish') continue;
    if (textId !== undefined && !INSIDE_TEXT.has(part.type)) {
      yield { type: 'text-end', id: textId };
      textId = undefined;
    }
    if (part.type === 'tool-call' && !part.providerExecuted) yield { ...part, input: toolArguments.get(toolIndexes.get(part.toolCallId) ?? -1) ?? part.input };
    else yield part;
  }
  if (textId !== undefined) yield { type: 'text-end', id: textId };
  yield {
    type: 'finish',
    usage: finish?.usage ?? fromUsage(usage),
    finishReason: finish?.finishReason ?? fromFinishReason(finishReason),
    providerMetadata: { ...finish?.providerMetadata, ...finishMetadata() },
  };
}

/** Parts that may come between two text deltas without ending the text block. */
const INSIDE_TEXT = new Set<string>(['raw', 'ping', 'response-metadata', 'stream-start', 'error']);
