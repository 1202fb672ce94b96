import { ProviderFailedError, RateLimitedError, RoutekitError } from '@routekit/core';
import { APIError, APIUserAbortError } from 'openai';

/**
 * Any failure of a routed call as the `openai` package would throw it. routekit's errors become the
 * APIError subclass of their status (BadRequestError, RateLimitError, InternalServerError, or a
 * plain APIError for 402) with routekit's `code`, `type` and `param`, and the original as `cause`.
 * A delegate client's own APIError that made the call fail is thrown as it was. Other errors (bugs)
 * pass unchanged.
 */
export function toOpenAIError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return new APIUserAbortError();
  if (error instanceof ProviderFailedError && error.cause instanceof APIError) return error.cause;
  if (!(error instanceof RoutekitError)) return error;
  const retryAfter = error instanceof RateLimitedError || error instanceof ProviderFailedError ? error.retryAfterSeconds : null;
  const headers = new Headers(retryAfter === null ? {} : { 'retry-after': String(Math.max(0, Math.ceil(retryAfter))) });
  const translated = APIError.generate(error.status, { error: { message: error.message, type: error.type, code: error.code, param: error.param } }, error.message, headers);
  translated.cause = error;
  return translated;
}
