import type { ChatRequest } from '../chat/chat-request.js';

/**
 * An embeddings request in OpenAI's format (`POST /v1/embeddings`). `input` is one text, texts,
 * one token array or token arrays. Fields routekit does not know pass through to the provider.
 */
export interface EmbeddingRequest {
  model: string;
  input: string | string[] | number[] | number[][];
  /** The vector length, for models that can shorten theirs (text-embedding-3-*). */
  dimensions?: number;
  /** `base64`: each vector as little-endian float32 bytes in base64, passed through unchanged. */
  encoding_format?: 'float' | 'base64';
  user?: string;
  [field: string]: unknown;
}

/** One vector of an embeddings response. */
export interface Embedding {
  object: 'embedding';
  index: number;
  /** Floats, or a base64 string when the request asked for `encoding_format: "base64"`. */
  embedding: number[] | string;
}

/** An embeddings response in OpenAI's format. */
export interface EmbeddingResponse {
  object: 'list';
  data: Embedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/**
 * The engine's field for what an embeddings request is besides its texts. An embeddings request
 * runs through the engine as a ChatRequest whose user messages are its input texts: that is what
 * PII redaction, limits and the exact cache read, so each applies to embeddings as it does to chat,
 * unchanged. This field keeps the input's shape (and token arrays, which are not text) so the
 * upstream call can rebuild `input` from the (possibly redacted) messages.
 */
export const embeddingField = 'x-routekit-embedding';

/** What an embeddings request's input was: the shape to rebuild, and token arrays (not text). */
export interface EmbeddingShape {
  input: 'string' | 'strings' | 'tokens' | 'token_arrays';
  tokens?: number[][];
}

/** True for an engine request that carries an embeddings request. */
export function isEmbeddingRequest(request: ChatRequest): boolean {
  return Object.hasOwn(request, embeddingField);
}

/**
 * The engine request of an embeddings request: a user message per input text, no output
 * (`max_tokens: 0`, so limits reserve and count no output tokens), and the input's shape.
 */
export function toEngineRequest(request: EmbeddingRequest): ChatRequest {
  const { model, input, ...rest } = request;
  const shape: EmbeddingShape =
    typeof input === 'string'
      ? { input: 'string' }
      : input.length > 0 && typeof input[0] === 'number'
        ? { input: 'tokens', tokens: [input as number[]] }
        : input.length > 0 && Array.isArray(input[0])
          ? { input: 'token_arrays', tokens: input as number[][] }
          : { input: 'strings' };
  const texts = typeof input === 'string' ? [input] : shape.tokens === undefined ? (input as string[]) : [];
  const engineRequest = { model } as ChatRequest;
  // defineProperty, not assignment: a field named __proto__ must stay a field.
  for (const [field, value] of Object.entries(rest)) Object.defineProperty(engineRequest, field, { value, enumerable: true, writable: true, configurable: true });
  // Set last, so no field of the client's can stand in for the texts, the output or the shape.
  engineRequest.messages = texts.map((text) => ({ role: 'user' as const, content: text }));
  engineRequest.max_tokens = 0;
  engineRequest[embeddingField] = shape;
  return engineRequest;
}

/** How many tokens the token-array input of an engine request holds (exact: they are tokens). */
export function embeddingTokenCount(request: ChatRequest): number {
  if (!isEmbeddingRequest(request)) return 0;
  const tokens = (request[embeddingField] as EmbeddingShape).tokens ?? [];
  return tokens.reduce((sum, array) => sum + array.length, 0);
}

// Output caps the spend limiter may set, routekit's own fields and the messages that carry the texts stay home.
const engineOnlyFields = new Set(['messages', 'max_tokens', 'max_completion_tokens', 'stream', 'stream_options']);

/** The body sent to a provider's embeddings endpoint: `input` rebuilt from the (possibly redacted) messages. */
export function upstreamEmbeddingBody(request: ChatRequest): Record<string, unknown> {
  const shape = request[embeddingField] as EmbeddingShape;
  const texts = request.messages.map((message) => (typeof message.content === 'string' ? message.content : ''));
  const input = shape.input === 'string' ? texts[0] : shape.input === 'strings' ? texts : shape.input === 'tokens' ? shape.tokens![0] : shape.tokens;
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    if (engineOnlyFields.has(field) || field.startsWith('x-')) continue;
    Object.defineProperty(body, field, { value, enumerable: true, writable: true, configurable: true });
  }
  body.input = input;
  return body;
}
