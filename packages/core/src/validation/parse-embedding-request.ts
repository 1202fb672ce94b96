import { z } from 'zod';
import type { ChatRequest } from '../chat/chat-request.js';
import { toEngineRequest, type EmbeddingRequest } from '../embeddings/embedding-request.js';
import { InvalidRequestError } from '../errors.js';
import type { RequestOptions } from '../pipeline/exchange.js';
import { parseModelSelector } from '../routing/model-selector.js';
import { fieldError } from './parse-chat-request.js';

// Fields of chat completions the engine reads: an embeddings body that carried one would steer it.
const chatOnlyFields = new Set(['messages', 'max_tokens', 'max_completion_tokens', 'n', 'stream', 'stream_options', 'tools', 'tool_choice', 'response_format', 'functions', 'function_call']);

// OpenAI's own bounds: at most 2,048 inputs per request, no empty string.
const maxInputs = 2048;
const text = z.string().min(1, 'must not be empty');
const token = z.number().int().nonnegative().max(2 ** 31 - 1);

const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.unknown(),
  dimensions: z.number().int().positive().max(65_536).optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});

const inputSchemas = {
  strings: z.array(text).min(1).max(maxInputs),
  tokens: z.array(token).min(1),
  token_arrays: z.array(z.array(token).min(1)).min(1).max(maxInputs),
};

/** A validated embeddings request, as the engine runs it (see `toEngineRequest`), and the client's own. */
export interface ParsedEmbeddingRequest {
  request: ChatRequest;
  embedding: EmbeddingRequest;
  options: RequestOptions;
}

/**
 * Validates an embeddings body from outside (`POST /v1/embeddings`). The model must be named:
 * `auto` and router strings choose between chat models, so they are a 400 here. `null` values
 * OpenAI allows are dropped; errors name the field at fault, e.g. `input[3]`.
 *
 * @example
 * const { request } = parseEmbeddingRequest({ model: 'openai/text-embedding-3-small', input: ['a', 'b'] });
 */
export function parseEmbeddingRequest(body: unknown): ParsedEmbeddingRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.', { code: 'invalid_body' });
  }
  if (Object.hasOwn(body, 'x-fallback-chain')) {
    throw new InvalidRequestError('Embeddings never fall back to another model: two models\' vectors are not comparable. Remove x-fallback-chain.', { code: 'fallback_not_supported', param: 'x-fallback-chain' });
  }
  // Chat's fields, and routekit's own, would change how the engine runs the request: not embeddings parameters.
  const chatField = Object.keys(body).find((field) => chatOnlyFields.has(field) || (field.startsWith('x-') && field !== 'x-fallback-chain'));
  if (chatField !== undefined) {
    throw new InvalidRequestError(`${chatField.slice(0, 40)} is not a parameter of embeddings.`, { code: 'unknown_field', param: chatField.slice(0, 40) });
  }
  const { cache, ...rest } = body as Record<string, unknown>;
  const present = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== null));
  const parsed = embeddingRequestSchema.safeParse(present);
  if (!parsed.success) throw fieldError(parsed.error, '');
  if (cache !== undefined && typeof cache !== 'boolean') throw new InvalidRequestError('cache must be a boolean.', { code: 'invalid_type', param: 'cache' });
  const input = parseInput(parsed.data.input);
  if (parseModelSelector(parsed.data.model).kind !== 'explicit') {
    throw new InvalidRequestError('Embeddings need an embedding model named explicitly (e.g. openai/text-embedding-3-small); auto and router strings choose between chat models. GET /v1/models lists the embedding models (kind: embedding).', {
      code: 'model_not_embedding',
      param: 'model',
    });
  }
  const embedding = { ...parsed.data, input } as EmbeddingRequest;
  return { request: toEngineRequest(embedding), embedding, options: cache === undefined ? {} : { cache } };
}

function parseInput(input: unknown): EmbeddingRequest['input'] {
  if (typeof input === 'string') {
    if (input === '') throw new InvalidRequestError('input must not be empty.', { code: 'invalid_value', param: 'input' });
    return input;
  }
  if (!Array.isArray(input) || input.length === 0) {
    throw new InvalidRequestError(input === undefined ? 'input is required.' : 'input must be a string, an array of strings, an array of token ids or an array of token arrays, not empty.', {
      code: 'invalid_value',
      param: 'input',
    });
  }
  const schema = typeof input[0] === 'number' ? inputSchemas.tokens : Array.isArray(input[0]) ? inputSchemas.token_arrays : inputSchemas.strings;
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw fieldError(parsed.error, 'input');
  return parsed.data;
}
