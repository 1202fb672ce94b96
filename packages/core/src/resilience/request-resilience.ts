import type { ChatRequest } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';

/** routekit's per-request resilience fields, from the body or headers of the same names. */
export const fallbackChainField = 'x-fallback-chain';
export const deadlineField = 'x-routekit-deadline-ms';

/** The longest fallback chain a request may name. */
export const maxFallbackChain = 8;

export interface RequestResilience {
  /** Models to try, in order, when the chosen one fails (`x-fallback-chain`). */
  fallbackChain?: string[];
  /** The request's overall deadline, in ms (`x-routekit-deadline-ms`). */
  deadlineMs?: number;
}

/**
 * Takes `x-fallback-chain` and `x-routekit-deadline-ms` out of a request body (they must not reach
 * the provider) and reads the headers of the same names; the body wins over a header. The chain is
 * a JSON array of model names (`["anthropic/claude-sonnet-4-5", "openai/gpt-4o"]`, as LLM Gateway
 * documents it); a header may also list them separated by commas.
 */
export function takeRequestResilience(request: ChatRequest, headers: Record<string, string | undefined>): { request: ChatRequest; resilience: RequestResilience } {
  const body = request as ChatRequest & Record<string, unknown>;
  const hasChain = Object.hasOwn(body, fallbackChainField);
  const hasDeadline = Object.hasOwn(body, deadlineField);
  let rest: ChatRequest = request;
  if (hasChain || hasDeadline) {
    const { [fallbackChainField]: _chain, [deadlineField]: _deadline, ...others } = body;
    rest = others as ChatRequest;
  }
  const chain = hasChain ? parseChain(body[fallbackChainField], fallbackChainField) : parseChainHeader(headers[fallbackChainField]);
  const deadline = hasDeadline ? parseDeadline(body[deadlineField], deadlineField) : parseDeadlineHeader(headers[deadlineField]);
  return { request: rest, resilience: { ...(chain !== undefined && { fallbackChain: chain }), ...(deadline !== undefined && { deadlineMs: deadline }) } };
}

function parseChainHeader(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const param = `header ${fallbackChainField}`;
  if (value.trim().startsWith('[')) {
    try {
      return parseChain(JSON.parse(value), param);
    } catch (error) {
      if (error instanceof InvalidRequestError) throw error;
      throw new InvalidRequestError(`${param} must be a JSON array of model names or a comma-separated list.`, { code: 'invalid_fallback_chain', param });
    }
  }
  return parseChain(value.split(',').map((name) => name.trim()), param);
}

function parseChain(value: unknown, param: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > maxFallbackChain) {
    throw new InvalidRequestError(`${param} must be an array of 1 to ${maxFallbackChain} model names.`, { code: 'invalid_fallback_chain', param });
  }
  value.forEach((name, index) => {
    if (typeof name !== 'string' || name.trim() === '' || name.length > 512) {
      throw new InvalidRequestError(`${param}[${index}] must be a model name.`, { code: 'invalid_fallback_chain', param: `${param}[${index}]` });
    }
  });
  return value as string[];
}

function parseDeadlineHeader(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return parseDeadline(/^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN, `header ${deadlineField}`);
}

function parseDeadline(value: unknown, param: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidRequestError(`${param} must be a positive whole number of milliseconds.`, { code: 'invalid_deadline', param });
  }
  return value;
}
