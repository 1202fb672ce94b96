import type { z } from 'zod';
import type { ChatRequest } from '../chat/chat-request.js';
import { embeddingField } from '../embeddings/embedding-request.js';
import { InvalidRequestError } from '../errors.js';
import type { RequestOptions } from '../pipeline/exchange.js';
import type { RoutingHints } from '../routing/routing-hints.js';
import { chatRequestSchema, routingHintsSchema } from './chat-request-schema.js';

/** A validated request, with routekit's own fields taken out of what goes to the provider. */
export interface ParsedChatRequest {
  request: ChatRequest;
  hints: RoutingHints;
  options: RequestOptions;
}

/**
 * Validates a chat completion body from outside. routekit's fields (`x-routing-hints`, `cache`) are
 * removed from the request; `null` values OpenAI allows are dropped so nothing downstream sees them.
 * Errors name the field at fault, e.g. `messages[1].content`.
 *
 * @example
 * const { request, hints } = parseChatRequest(JSON.parse(body), { hintsHeader: headers['x-routekit-hints'] });
 */
export function parseChatRequest(body: unknown, sources: { hintsHeader?: string | undefined } = {}): ParsedChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.', { code: 'invalid_body' });
  }
  // routekit's own marker of an embeddings request: only parseEmbeddingRequest sets it.
  if (Object.hasOwn(body, embeddingField)) throw new InvalidRequestError(`${embeddingField} is routekit's own field; send embeddings to POST /v1/embeddings.`, { code: 'unknown_field', param: embeddingField });
  const { 'x-routing-hints': bodyHints, cache, ...rest } = body as Record<string, unknown>;
  const parsed = chatRequestSchema.safeParse(rest);
  if (!parsed.success) throw fieldError(parsed.error, '');
  if (cache !== undefined && typeof cache !== 'boolean') {
    throw new InvalidRequestError('cache must be a boolean.', { code: 'invalid_type', param: 'cache' });
  }
  const request = dropNulls(parsed.data) as ChatRequest;
  const hints = { ...parseHints(sources.hintsHeader, 'header x-routekit-hints'), ...parseHints(bodyHints, 'x-routing-hints') };
  return { request, hints, options: cache === undefined ? {} : { cache } };
}

/** Routing hints from a body field or a header (JSON text), validated; `param` names where they came from. */
export function parseHints(value: unknown, param: string): RoutingHints {
  if (value === undefined) return {};
  let hints = value;
  if (typeof value === 'string') {
    try {
      hints = JSON.parse(value);
    } catch {
      throw new InvalidRequestError(`${param} must be a JSON object.`, { code: 'invalid_hints', param });
    }
  }
  const parsed = routingHintsSchema.safeParse(hints);
  if (!parsed.success) throw fieldError(parsed.error, param);
  return parsed.data;
}

/** The first issue of a failed parse as a 400 naming its field, never quoting the input. */
export function fieldError(error: z.ZodError, prefix: string): InvalidRequestError {
  const issue = error.issues[0]!;
  const path = issue.path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), prefix);
  const param = path === '' ? null : path;
  const what = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : describe(issue);
  return new InvalidRequestError(`${param ?? 'The request'} ${what}.`, { code: issue.code === 'unrecognized_keys' ? 'unknown_field' : 'invalid_value', param });
}

/** Zod's own messages may quote the input; these only say what the schema expects. */
function describe(issue: z.core.$ZodIssue): string {
  const field = issue.path.at(-1);
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected}`;
    case 'too_small':
      return hasOwnMessage(issue) ? issue.message : `must be >= ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return hasOwnMessage(issue) ? issue.message : `must be <= ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    case 'invalid_format':
    case 'custom':
      return hasOwnMessage(issue) ? issue.message : 'has an invalid format';
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown fields ${issue.keys.map((key) => JSON.stringify(key.slice(0, 40))).join(', ')}`;
    case 'invalid_union':
      if (field === 'role') return 'must be one of "system", "developer", "user", "assistant", "tool"';
      if (field === 'content') return 'must be a string or an array of content parts';
      if (field === 'type') return 'is not a known type';
      return 'has an invalid shape';
    default:
      return 'is invalid';
  }
}

/** A message the schema states itself (e.g. `must contain at least one message`), not zod's default. */
function hasOwnMessage(issue: z.core.$ZodIssue): boolean {
  return !/^(Too (big|small)|Invalid)/.test(issue.message);
}

function dropNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}
