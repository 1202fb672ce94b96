import { ProviderFailedError, RoutekitError, type ProviderFailure } from '../errors.js';
import { failureOfStatus, parseRetryAfter, safeUpstreamMessage } from '../upstream/provider-failure.js';
import type { Attempt } from './exchange.js';

const connectionCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * Classifies an error thrown by an in-process delegate (a framework's own model object: the
 * `openai` client, a LlamaIndex or LangChain LLM, an AI SDK model) so the engine can decide on
 * fallback the same way as for its own HTTP client. Errors that carry an HTTP status (`status`, or
 * the AI SDK's `statusCode`) become ProviderFailedErrors of that status; timeouts and lost
 * connections become retryable ones; the original error is kept as `cause`. Anything else (a bug,
 * an unsupported input) is returned unchanged, so it is not retried on another model and the app
 * sees it as it was. An abort by the caller returns the signal's reason.
 *
 * @example
 * call: async (model, attempt, signal) => { try { return await callModel(model, attempt) } catch (error) { throw toDelegateFailure(error, attempt, signal) } }
 */
export function toDelegateFailure(error: unknown, attempt: Attempt, signal?: AbortSignal): unknown {
  if (error instanceof RoutekitError) return error;
  if (signal?.aborted) return signal.reason ?? error;
  if (typeof error !== 'object' || error === null) return error;
  const context = { provider: attempt.model.provider, model: attempt.model.id };
  const described = error as { status?: unknown; statusCode?: unknown; name?: unknown; code?: unknown; message?: unknown; cause?: unknown; headers?: unknown; responseHeaders?: unknown };
  const status = typeof described.status === 'number' ? described.status : typeof described.statusCode === 'number' ? described.statusCode : undefined;
  if (status !== undefined && status >= 400 && status <= 599) {
    const failure = failureOfStatus(status);
    const detail = safeUpstreamMessage(typeof described.message === 'string' ? described.message : undefined, attempt.request);
    return new ProviderFailedError(`Model ${context.model} answered ${status}${detail === undefined ? '' : `: ${detail}`}`, {
      ...context,
      failure,
      upstreamStatus: status,
      retryAfterSeconds: failure === 'rate_limited' || status === 503 ? parseRetryAfter(headerRecord(described.headers ?? described.responseHeaders)) : null,
      cause: error,
    });
  }
  const transport = transportFailure(described);
  if (transport === undefined) return error;
  const what = transport === 'timeout' ? 'timed out' : 'lost its connection';
  return new ProviderFailedError(`Model ${context.model} ${what}.`, { ...context, failure: transport, cause: error });
}

function transportFailure(error: { name?: unknown; code?: unknown; cause?: unknown }): ProviderFailure | undefined {
  const name = typeof error.name === 'string' ? error.name : '';
  const code = typeof error.code === 'string' ? error.code : '';
  if (/timeout/i.test(name) || code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  // The openai SDK's APIConnectionError, the AI SDK's and LangChain's fetch failures, raw socket errors.
  if (/connection/i.test(name) || connectionCodes.has(code)) return 'connection';
  const cause = error.cause;
  if (typeof cause === 'object' && cause !== null && cause !== error) return transportFailure(cause as typeof error);
  return undefined;
}

/**
 * A delegate's stream whose failures read as `toDelegateFailure` classifies them, so one before the
 * first token falls back like a failed call and one after it ends the stream with a typed error.
 */
export async function* classifyDelegateStream<Chunk>(stream: AsyncIterable<Chunk>, attempt: Attempt, signal?: AbortSignal): AsyncGenerator<Chunk> {
  try {
    yield* stream;
  } catch (error) {
    throw toDelegateFailure(error, attempt, signal);
  }
}

function headerRecord(headers: unknown): Record<string, string | undefined> {
  if (typeof headers !== 'object' || headers === null) return {};
  if (typeof (headers as Headers).get === 'function') {
    const get = (name: string) => (headers as Headers).get(name) ?? undefined;
    return { 'retry-after': get('retry-after'), 'retry-after-ms': get('retry-after-ms') };
  }
  const record: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') record[name.toLowerCase()] = value;
  return record;
}
