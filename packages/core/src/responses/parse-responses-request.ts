import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';
import { fieldError, parseHints } from '../validation/parse-chat-request.js';
import type { ParsedResponsesRequest, ResponsesRequest } from './responses-request.js';
import { responsesRequestSchema } from './responses-request-schema.js';

/** Fields of OpenAI's Responses API that routekit does not serve, refused by name rather than as unknown. */
const unservedFields: ReadonlyMap<string, string> = new Map([
  ['background', 'background mode is not served: routekit answers while the request is open (use stream: true for long answers)'],
  ['conversation', 'conversation objects are not served; continue a conversation with previous_response_id'],
  ['prompt', 'stored prompt templates are not served; send instructions and input instead'],
  ['max_tool_calls', 'max_tool_calls is not served: only function tools are routed, and the client runs them'],
]);

/**
 * Validates a Responses API body (`POST /v1/responses`) from outside. routekit's own fields
 * (`x-routing-hints`, `cache`) are taken out as on chat; `null` values are dropped. Built-in tools
 * and the fields routekit does not serve are refused with a 400 naming the field, so a client never
 * believes a web search ran.
 *
 * @example
 * const { request, hints } = parseResponsesRequest(JSON.parse(body));
 */
export function parseResponsesRequest(body: unknown, sources: { hintsHeader?: string | undefined } = {}): ParsedResponsesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.', { code: 'invalid_body' });
  }
  const { 'x-routing-hints': bodyHints, cache, ...rest } = body as Record<string, unknown>;
  assertServed(rest);
  const parsed = responsesRequestSchema.safeParse(rest);
  if (!parsed.success) throw fieldError(deepestIssue(parsed.error), '');
  if (cache !== undefined && typeof cache !== 'boolean') {
    throw new InvalidRequestError('cache must be a boolean.', { code: 'invalid_type', param: 'cache' });
  }
  const request = withoutNulls(parsed.data) as unknown as ResponsesRequest;
  const hints = { ...parseHints(sources.hintsHeader, 'header x-routekit-hints'), ...parseHints(bodyHints, 'x-routing-hints') };
  return { request, hints, options: cache === undefined ? {} : { cache } };
}

function assertServed(body: Record<string, unknown>): void {
  for (const [field, reason] of unservedFields) {
    const value = body[field];
    // `background: false` and explicit nulls ask for nothing routekit lacks.
    if (value === undefined || value === null || value === false) continue;
    throw new InvalidRequestError(`${field}: ${reason}.`, { code: 'unsupported_parameter', param: field });
  }
  const { tools } = body;
  if (!Array.isArray(tools)) return;
  tools.forEach((tool, index) => {
    const type = typeof tool === 'object' && tool !== null ? (tool as { type?: unknown }).type : undefined;
    if (typeof type === 'string' && type !== 'function') {
      throw new InvalidRequestError(`tools[${index}] is the built-in tool ${JSON.stringify(type.slice(0, 40))}, which routekit does not serve; only function tools are routed (the client runs them).`, { code: 'unsupported_tool', param: `tools[${index}].type` });
    }
  });
}

/** Drops `null` fields at the top level and in the nested objects OpenAI allows them in, so nothing downstream sees them. */
function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === null) continue;
    result[key] = key === 'tools' && Array.isArray(field) ? field.map((tool) => withoutNulls(tool as Record<string, unknown>)) : key === 'text' || key === 'reasoning' ? withoutNulls(field as Record<string, unknown>) : field;
  }
  if (result.text !== undefined && typeof (result.text as { format?: unknown }).format === 'object') {
    const text = result.text as { format: Record<string, unknown> };
    result.text = { ...text, format: withoutNulls(text.format) };
  }
  return result;
}

/**
 * `input` and `content` are a string or an array; when neither fits, zod reports the union. The
 * branch that got furthest into the value names the field at fault (`input[2].content[0].type`).
 */
function deepestIssue(error: z.ZodError): z.ZodError {
  let issue = error.issues[0]!;
  let path: PropertyKey[] = [];
  while (issue.code === 'invalid_union') {
    const deepest = issue.errors.flatMap((branch) => branch.slice(0, 1)).sort((left, right) => right.path.length - left.path.length)[0];
    if (deepest === undefined || deepest.path.length === 0) break;
    path = [...path, ...issue.path];
    issue = deepest;
  }
  return new z.ZodError([{ ...issue, path: [...path, ...issue.path] }]);
}
