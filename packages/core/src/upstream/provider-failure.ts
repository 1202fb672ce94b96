import type { ChatRequest } from '../chat/chat-request.js';
import { ProviderFailedError, type ProviderFailure } from '../errors.js';

/** Which provider and model a failure belongs to. */
export interface FailureContext {
  provider: string;
  model: string;
}

/** The upstream did not answer (headers, first byte, or the next stream chunk) in time. */
export class UpstreamTimeoutError extends Error {
  constructor(readonly phase: 'response' | 'idle', readonly timeoutMs: number) {
    super(phase === 'response' ? `no response within ${timeoutMs} ms` : `no data for ${timeoutMs} ms`);
    this.name = 'UpstreamTimeoutError';
  }
}

/**
 * Reads `Retry-After` (delta seconds or an HTTP date) or `retry-after-ms`, as whole seconds from
 * now; null when absent or unreadable.
 */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | null {
  const milliseconds = Number(headerValue(headers['retry-after-ms']));
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(milliseconds) && milliseconds >= 0) return Math.ceil(milliseconds / 1000);
  const value = headerValue(headers['retry-after'])?.trim();
  if (value === undefined || value === '') return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The failure class of an HTTP status that is not a success. */
export function failureOfStatus(status: number): ProviderFailure {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'client_error';
}

// The system's codes, and undici's for a socket that closed or failed under a request and a connect that timed out.
const connectionCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Turns a transport error into a ProviderFailedError. Aborts by the caller are not provider
 * failures and are returned unchanged, so that fallback does not run for a client that left.
 */
export function toProviderFailure(error: unknown, context: FailureContext, signal?: AbortSignal): unknown {
  if (error instanceof ProviderFailedError) return error;
  if (signal?.aborted) return signal.reason ?? error;
  if (error instanceof UpstreamTimeoutError) {
    return new ProviderFailedError(`Provider ${context.provider} timed out for model ${context.model}: ${error.message}.`, { ...context, failure: 'timeout', cause: error });
  }
  const code = (error as { code?: unknown } | null)?.code;
  const known = typeof code === 'string' && connectionCodes.has(code);
  const reason = known ? code : 'connection failed';
  return new ProviderFailedError(`Provider ${context.provider} connection failed for model ${context.model} (${reason}).`, { ...context, failure: 'connection', cause: error });
}

/** A response the client could not read as the provider's format. */
export function badResponse(context: FailureContext, detail: string, cause?: unknown): ProviderFailedError {
  return new ProviderFailedError(`Provider ${context.provider} sent an unreadable response for model ${context.model}: ${detail}.`, { ...context, failure: 'bad_response', cause });
}

/** A stream that stopped before its end. */
export function streamCut(context: FailureContext, cause?: unknown): ProviderFailedError {
  return new ProviderFailedError(`Provider ${context.provider} closed the stream for model ${context.model} before its end.`, { ...context, failure: 'connection', cause });
}

/** A transport error met while reading a stream: a lost connection reads as a cut stream. */
export function toStreamFailure(error: unknown, context: FailureContext, signal: AbortSignal): unknown {
  const failure = toProviderFailure(error, context, signal);
  return failure instanceof ProviderFailedError && failure.failure === 'connection' && !(error instanceof ProviderFailedError) ? streamCut(context, error) : failure;
}

/**
 * The error for a non-success HTTP answer. The upstream's own message is kept only when it is
 * short and quotes none of the prompt: messages go back to API users and into logs.
 */
export function statusFailure(options: { context: FailureContext; status: number; headers: Record<string, string | string[] | undefined>; body: string; request?: ChatRequest }): ProviderFailedError {
  const { context, status } = options;
  const failure = failureOfStatus(status);
  const upstreamMessage = safeUpstreamMessage(errorMessageOf(options.body), options.request);
  const suffix = upstreamMessage === undefined ? '' : `: ${upstreamMessage}`;
  return new ProviderFailedError(`Provider ${context.provider} answered ${status} for model ${context.model}${suffix}`, {
    ...context,
    failure,
    upstreamStatus: status,
    retryAfterSeconds: failure === 'rate_limited' || status === 503 ? parseRetryAfter(options.headers) : null,
  });
}

/** The `error.message` of an OpenAI or Anthropic error body, or undefined. */
export function errorMessageOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: plain-text and HTML error pages are not worth relaying.
  }
  return undefined;
}

const maximumMessageLength = 200;
const window = 12;

// What a credential looks like inside a provider's message ("Incorrect API key provided: sk-proj-…",
// "Bearer …", "api_key=…"), or a long run of letters and digits that may be one.
const credentialPattern = /\b(?:sk|pk|rk|ak|key)[-_][A-Za-z0-9_*.-]{6,}|\bbearer\s+\S{6,}|\b(?:api[-_ ]?key|token|secret|password|authorization)\s*[:=]\s*\S+|\bAKIA[0-9A-Z]{12,}|\bAIza[0-9A-Za-z_-]{20,}|(?=[A-Za-z_-]*\d)(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}/i;

/**
 * `message` when it is short, shares no 12-character run (or a whole short text) with the prompt,
 * and shows nothing shaped like a credential (the provider may quote the gateway's own key).
 */
export function safeUpstreamMessage(message: string | undefined, request?: ChatRequest): string | undefined {
  if (message === undefined) return undefined;
  const trimmed = message.trim();
  if (trimmed === '' || trimmed.length > maximumMessageLength || credentialPattern.test(trimmed)) return undefined;
  if (request === undefined) return trimmed;
  for (const text of promptTexts(request)) {
    if (text.length < window) {
      if (text.trim().length >= 6 && trimmed.includes(text)) return undefined;
      continue;
    }
    for (let start = 0; start + window <= trimmed.length; start += 1) {
      if (text.includes(trimmed.slice(start, start + window))) return undefined;
    }
  }
  return trimmed;
}

function* promptTexts(request: ChatRequest): Generator<string> {
  for (const message of request.messages ?? []) {
    if (typeof message.content === 'string') yield message.content;
    else if (Array.isArray(message.content)) for (const part of message.content) if (part.type === 'text') yield part.text;
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) yield call.function.arguments;
  }
}
