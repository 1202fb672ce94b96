import { createHash } from 'node:crypto';
import type { ChatMessage, ChatRequest } from '../chat/chat-request.js';
import { isEmbeddingRequest } from '../embeddings/embedding-request.js';

// Fields that do not change the answer: transport and attribution. Everything else, including
// fields routekit does not know, is part of the key, because it may change what the model says.
const IGNORED_FIELDS = new Set(['model', 'stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier']);

/** JSON with sorted object keys, so that key order in the client's body does not split the cache. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, field]) => field !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function answerFields(request: ChatRequest): Record<string, unknown> {
  return Object.fromEntries(Object.entries(request).filter(([key]) => !IGNORED_FIELDS.has(key)));
}

/**
 * The exact-cache key of a request: a hash of the model string the client asked for and every
 * field that changes the answer (messages, tools, tool_choice, response_format, sampling, stop…).
 */
export function exactRequestKey(request: ChatRequest, model: string): string {
  return digest(canonicalJson({ model, ...answerFields(request) }));
}

/** The part of a request the semantic cache compares loosely, and the rest it compares exactly. */
export interface SemanticKey {
  /** Hash of everything but the last user message: system prompt, earlier turns, parameters. */
  context: string;
  /** The text of the last user message. */
  prompt: string;
}

function textOf(message: ChatMessage): string | null {
  if (typeof message.content === 'string') return message.content;
  if (!Array.isArray(message.content)) return null;
  const parts: string[] = [];
  for (const part of message.content) {
    if (part.type !== 'text') return null;
    parts.push(part.text);
  }
  return parts.join('\n');
}

// Embedding plus slot extraction costs ~0.3 ms at 500 characters, ~0.7 ms at 2,000 and ~2.3 ms at
// 8,000 on this machine (bench/cache-lookup.ts prints the embedding part). Longer prompts would
// block the event loop past the ~1 ms budget, and a pasted document is rarely re-asked in other
// words, so they are matched exactly only instead of being sent to a worker thread.
export const SEMANTIC_MAX_CHARACTERS = 3000;

/**
 * Splits a request for the semantic cache, or returns null when it has no place there: the last
 * message is not a plain-text user message (images, tool results), is empty, or is longer than
 * `SEMANTIC_MAX_CHARACTERS`.
 */
export function semanticRequestKey(request: ChatRequest, model: string): SemanticKey | null {
  // A paraphrase has another vector: embeddings are cached exactly or not at all.
  if (isEmbeddingRequest(request)) return null;
  const last = request.messages.at(-1);
  if (!last || last.role !== 'user') return null;
  const prompt = textOf(last);
  if (prompt === null || prompt.trim() === '' || prompt.length > SEMANTIC_MAX_CHARACTERS) return null;
  const fields = answerFields(request);
  fields.messages = request.messages.slice(0, -1);
  return { context: digest(canonicalJson({ model, ...fields, last_name: last.name })), prompt };
}
