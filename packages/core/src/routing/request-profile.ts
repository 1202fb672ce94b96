import type { ChatRequest } from '../chat/chat-request.js';

/** What a request needs from a model, worked out once per request. */
export interface RequestProfile {
  needsTools: boolean;
  needsVision: boolean;
  needsJson: boolean;
  /** Estimated prompt tokens (about four characters a token, CJK and other non-ASCII text weighted by their bytes). */
  inputTokens: number;
  /** The answer length to budget for: max_tokens when given, else a typical answer. */
  outputTokens: number;
  /** The output cap the client set, if any. */
  maxOutputTokens: number | null;
}

/** A typical answer length, used to compare costs when the client sets no max_tokens. */
export const typicalOutputTokens = 300;

/** Estimates tokens from text length: good enough to rank models and to reserve budgets. */
export function estimateTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

/**
 * A text's length in "English characters": ASCII counts one per character (about four to a token
 * in English and code), other text 1.6 per UTF-8 byte, since a CJK character (3 bytes) is about
 * 1.2 tokens and a Cyrillic or Arabic letter (2 bytes) under one. Characters / 4 alone reads a
 * Chinese prompt as a quarter of its tokens (docs/limits.md has the measurements), which sends a
 * long one to a model whose context window it does not fit.
 */
export function weightedCharacters(text: string): number {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes === text.length) return bytes;
  let ascii = 0;
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) < 0x80) ascii += 1;
  return ascii + 1.6 * (bytes - ascii);
}

/**
 * The text of a request's messages, tool calls and tool definitions, for estimates and features,
 * measured by `measure` (plain length by default; `weightedCharacters` for token estimates).
 */
export function requestCharacters(request: ChatRequest, measure: (text: string) => number = (text) => text.length): number {
  let characters = 0;
  for (const message of request.messages) {
    characters += 4; // per-message overhead of chat formats
    const content = message.content;
    if (typeof content === 'string') characters += measure(content);
    else if (Array.isArray(content)) for (const part of content) characters += part.type === 'text' ? measure(part.text) : 340; // an image costs roughly 85 tokens at low detail
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) characters += measure(call.function.name) + measure(call.function.arguments);
  }
  for (const tool of request.tools ?? []) characters += measure(JSON.stringify(tool.function));
  return characters;
}

export function profileRequest(request: ChatRequest): RequestProfile {
  const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens ?? null;
  const needsTools = (request.tools?.length ?? 0) > 0 && request.tool_choice !== 'none';
  const needsVision = request.messages.some((message) => message.role === 'user' && Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url'));
  const format = request.response_format?.type;
  return {
    needsTools,
    needsVision,
    needsJson: format === 'json_object' || format === 'json_schema',
    inputTokens: estimateTokens(requestCharacters(request, weightedCharacters)),
    outputTokens: maxOutputTokens ?? typicalOutputTokens,
    maxOutputTokens,
  };
}
