import { hash } from 'node:crypto';
import type { ChatMessage, ChatRequest } from '../chat/chat-request.js';
import { isEmbeddingRequest } from '../embeddings/embedding-request.js';

// Fields that do not change the answer: transport and attribution. Everything else, including
// fields routekit does not know, is part of the key, because it may change what the model says.
const IGNORED_FIELDS = new Set(['model', 'stream', 'stream_options', 'user', 'metadata', 'store', 'service_tier']);

const byCodeUnits = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);

/**
 * JSON with sorted object keys, so that key order in the client's body does not split the cache.
 * Built by appending to one string, without the arrays of entries a map-and-join makes per object:
 * it runs twice on every cached request (request-key.test.ts holds it to the map-and-join version).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let json = '[';
    // A hole (never in parsed JSON) stays empty, as `map` and `join` leave it.
    for (let index = 0; index < value.length; index += 1) json += (index === 0 ? '' : ',') + (index in value ? canonicalJson(value[index]) : '');
    return `${json}]`;
  }
  return canonicalObject(value as Record<string, unknown>, null);
}

/** `canonicalJson` of an object, leaving out the field `without` (null: none). */
function canonicalObject(object: Record<string, unknown>, without: string | null): string {
  const keys = Object.keys(object).sort(byCodeUnits);
  let json = '{';
  for (const key of keys) {
    const field = object[key];
    if (field !== undefined && key !== without) json += (json.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(field);
  }
  return `${json}}`;
}

// One-shot SHA-256: no Hash object per key.
function digest(text: string): string {
  return hash('sha256', text, 'base64url');
}

/**
 * The canonical JSON of `{ model, ...the request's answer fields, ...extra }` (the string
 * `canonicalJson` gives for that object), without copying the request into a new object first.
 * Pairs, not an object: request fields are client keys ("__proto__" included).
 */
function canonicalRequest(request: ChatRequest, model: string, extra: ReadonlyArray<readonly [string, unknown]>): string {
  const fields: Array<readonly [string, unknown]> = [['model', model], ...extra];
  for (const [key, field] of Object.entries(request)) {
    if (!IGNORED_FIELDS.has(key) && !extra.some(([name]) => name === key)) fields.push([key, field]);
  }
  fields.sort(([left], [right]) => byCodeUnits(left, right));
  let json = '{';
  for (const [key, field] of fields) {
    if (field !== undefined) json += (json.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(field);
  }
  return `${json}}`;
}

/**
 * The exact-cache key of a request: a hash of the model string the client asked for and every
 * field that changes the answer (messages, tools, tool_choice, response_format, sampling, stop…).
 * The same key `requestKeys` gives.
 */
export function exactRequestKey(request: ChatRequest, model: string): string {
  return requestKeys(request, model, false).exact;
}

/** Both cache keys of a request; `semantic` is null when not asked for or when the request has no place in the semantic cache. */
export interface RequestKeys {
  exact: string;
  semantic: SemanticKey | null;
}

/** String.prototype.isWellFormed (ES2024; Node 20 has it): false when the string holds a lone surrogate. */
type MaybeWellFormed = string & { isWellFormed(): boolean };

/**
 * The exact key and, if `semantic`, the semantic key (`semanticRequestKey`) of a request, with one
 * canonical pass over it. The exact key hashes the semantic context's digest (model, parameters,
 * every message but the last, the last one's name), then the last message without its content as
 * canonical JSON, then its content: a string as it is, after `s` (a 2,000-character prompt is
 * neither escaped into JSON nor hashed twice), anything else as canonical JSON after `j`, nothing
 * after `u` when there is none. The digest has a fixed length and the JSON object ends where its
 * braces close, so the hashed text spells out one request only: two requests share a key exactly
 * when their canonical JSON (`canonicalJson` of the model and the answer fields) is the same.
 * A string with a lone surrogate (which UTF-8 would turn into U+FFFD) goes through JSON instead.
 * Requests without a last message object, or with a field of their own named `last_name` (the
 * context's name for the last message's name), are hashed as their whole canonical JSON.
 */
export function requestKeys(request: ChatRequest, model: string, semantic: boolean): RequestKeys {
  const messages = request.messages as unknown;
  const last: unknown = Array.isArray(messages) && messages.length > 0 ? messages[messages.length - 1] : undefined;
  if (last === null || typeof last !== 'object' || Array.isArray(last) || Object.hasOwn(request, 'last_name')) {
    return { exact: digest(canonicalRequest(request, model, [])), semantic: semantic ? semanticRequestKey(request, model) : null };
  }
  const message = last as ChatMessage;
  const context = contextDigest(request, model, message);
  const content = (message as { content?: unknown }).content;
  const tail = content === undefined ? 'u' : typeof content === 'string' && (content as MaybeWellFormed).isWellFormed() ? `s${content}` : `j${canonicalJson(content)}`;
  const exact = digest(`${context}${canonicalObject(message as unknown as Record<string, unknown>, 'content')}${tail}`);
  if (!semantic) return { exact, semantic: null };
  const prompt = semanticPrompt(request, message);
  return { exact, semantic: prompt === null ? null : { context, prompt } };
}

/** The hash of everything but the last message: parameters, earlier turns, the last message's name. */
function contextDigest(request: ChatRequest, model: string, last: ChatMessage): string {
  return digest(canonicalRequest(request, model, [['messages', request.messages.slice(0, -1)], ['last_name', (last as { name?: unknown }).name]]));
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
  const last = request.messages.at(-1);
  const prompt = last === undefined ? null : semanticPrompt(request, last);
  return prompt === null ? null : { context: contextDigest(request, model, last!), prompt };
}

/** The last message's text if the request has a place in the semantic cache (see `semanticRequestKey`), else null. */
function semanticPrompt(request: ChatRequest, last: ChatMessage): string | null {
  // A paraphrase has another vector: embeddings are cached exactly or not at all.
  if (isEmbeddingRequest(request) || last.role !== 'user') return null;
  const prompt = textOf(last);
  return prompt === null || prompt.trim() === '' || prompt.length > SEMANTIC_MAX_CHARACTERS ? null : prompt;
}
