import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';
import { fieldError, parseHints, type ParsedChatRequest } from '../validation/parse-chat-request.js';
import { countTokensRequestSchema, messagesRequestSchema, type MessagesRequestBody } from './messages-request-schema.js';
import { toChatRequest } from './to-chat-request.js';

/** The `anthropic-version` values whose wire format the gateway speaks (the official SDKs send one of these). */
export const anthropicVersions: ReadonlySet<string> = new Set(['2023-01-01', '2023-06-01', '2026-10-21']);

/** Where a Messages request's routekit parts come from: headers, since Anthropic's body is strict. */
export interface MessagesRequestSources {
  /** The `x-routekit-hints` header (JSON). */
  hintsHeader?: string | undefined;
  /** The `anthropic-beta` header: comma-separated feature names, passed on to Anthropic upstreams. */
  betaHeader?: string | undefined;
}

/**
 * Checks the `anthropic-version` header as Anthropic does: required, and one of the versions the
 * gateway speaks; anything else is a 400 naming the header.
 */
export function assertAnthropicVersion(version: string | undefined): void {
  if (version === undefined || version.trim() === '') throw new InvalidRequestError('anthropic-version: header is required.', { param: 'header anthropic-version', code: 'missing_anthropic_version' });
  if (!anthropicVersions.has(version.trim())) {
    throw new InvalidRequestError(`anthropic-version: the gateway speaks ${[...anthropicVersions].join(', ')}.`, { param: 'header anthropic-version', code: 'invalid_anthropic_version' });
  }
}

/**
 * Validates a Messages API body and translates it to the engine's ChatRequest. Errors name the
 * field at fault (`messages[1].content[0].source.media_type`) and never quote its value.
 *
 * @example
 * const { request, hints } = parseMessagesRequest(JSON.parse(body), { hintsHeader: headers['x-routekit-hints'], betaHeader: headers['anthropic-beta'] });
 */
export function parseMessagesRequest(body: unknown, sources: MessagesRequestSources = {}): ParsedChatRequest {
  return parseWith(messagesRequestSchema, body, sources);
}

/** As `parseMessagesRequest`, for `POST /v1/messages/count_tokens` (no `max_tokens`; nothing is generated). */
export function parseCountTokensRequest(body: unknown, sources: MessagesRequestSources = {}): ParsedChatRequest {
  const parsed = parseWith(countTokensRequestSchema, body, sources);
  delete parsed.request.max_tokens;
  return parsed;
}

function parseWith(schema: typeof messagesRequestSchema | typeof countTokensRequestSchema, body: unknown, sources: MessagesRequestSources): ParsedChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequestError('The request body must be a JSON object.', { code: 'invalid_body' });
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw fieldError(new z.ZodError([innermostIssue(parsed.error.issues[0]!)]), '');
  // count_tokens has no max_tokens; the translation needs a number and the caller drops it again.
  const data = { max_tokens: 1, ...parsed.data } as MessagesRequestBody;
  const beta = (sources.betaHeader ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  return { request: toChatRequest(data, beta), hints: parseHints(sources.hintsHeader, 'header x-routekit-hints'), options: {} };
}

/**
 * A content field is a string or an array of blocks; when neither fits, the array branch's own
 * issue (`messages[0].content[1].source.media_type`) says more than "must be a string or an array".
 */
function innermostIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((branch) => branch.length > 0).map((branch) => branch[0]!);
  const deepest = branches.reduce<z.core.$ZodIssue | undefined>((best, candidate) => (best === undefined || candidate.path.length > best.path.length ? candidate : best), undefined);
  // A branch that failed at its root (a string where an array was) explains nothing more than the union.
  if (deepest === undefined || deepest.path.length === 0) return issue;
  return innermostIssue({ ...deepest, path: [...issue.path, ...deepest.path] });
}
