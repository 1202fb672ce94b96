import type { LanguageModelV4CallOptions, LanguageModelV4GenerateResult, LanguageModelV4StreamPart, LanguageModelV4StreamResult } from '@ai-sdk/provider';
import { convertArrayToReadableStream, MockLanguageModelV4 } from 'ai/test';

// Test helpers shared by this package's tests (not exported from the package).

export const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 5, text: 5, reasoning: undefined } };

/** A generate result with text (and optional extra content). */
export function generated(text: string, extra: LanguageModelV4GenerateResult['content'] = []): LanguageModelV4GenerateResult {
  return { content: [...extra, { type: 'text', text }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] };
}

/** A stream result that says `text` in words. */
export function streamed(text: string, before: LanguageModelV4StreamPart[] = []): LanguageModelV4StreamResult {
  const words = text.match(/\s*\S+/g) ?? [];
  return {
    stream: convertArrayToReadableStream<LanguageModelV4StreamPart>([
      { type: 'stream-start', warnings: [] },
      ...before,
      { type: 'text-start', id: 't1' },
      ...words.map((delta): LanguageModelV4StreamPart => ({ type: 'text-delta', id: 't1', delta })),
      { type: 'text-end', id: 't1' },
      { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' }, providerMetadata: { mock: { marker: 1 } } },
    ]),
  };
}

/** The text of the last user message a model received. */
export function lastUserText(options: LanguageModelV4CallOptions): string {
  const last = options.prompt.findLast((message) => message.role === 'user');
  if (last?.role !== 'user') return '';
  return last.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** A mock model that answers every call with `text` (generate and stream) and records its calls. */
export function answering(text: string | ((options: LanguageModelV4CallOptions) => string), modelId = 'mock'): MockLanguageModelV4 {
  const say = typeof text === 'string' ? () => text : text;
  return new MockLanguageModelV4({
    provider: 'openai.chat',
    modelId,
    doGenerate: async (options) => generated(say(options)),
    doStream: async (options) => streamed(say(options)),
  });
}
