import { APICallError } from '@ai-sdk/provider';
import { failureOfStatus, parseRetryAfter, ProviderFailedError, RoutekitError, type Attempt, type ProviderFailure } from '@routekit/core';

/**
 * A delegate's error in the engine's terms, so that the engine can decide whether the next
 * candidate may try: the AI SDK's own errors (APICallError) carry the status that tells.
 */
export class DelegateFailedError extends ProviderFailedError {}

/** Wraps what a delegate threw; aborts and routekit's own errors stay as they are. */
export function toDelegateFailure(error: unknown, attempt: Attempt, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof RoutekitError) return error;
  const status = APICallError.isInstance(error) ? error.statusCode : undefined;
  const failure = failureOf(error, status);
  const headers = APICallError.isInstance(error) ? (error.responseHeaders ?? {}) : {};
  return new DelegateFailedError(`The model ${attempt.model.id} failed.`, {
    provider: attempt.model.provider,
    model: attempt.model.id,
    failure,
    upstreamStatus: status ?? null,
    retryAfterSeconds: failure === 'rate_limited' || status === 503 ? parseRetryAfter(headers) : null,
    cause: error,
  });
}

// The same classes as the gateway's HTTP client, so fallback behaves alike.
function failureOf(error: unknown, status: number | undefined): ProviderFailure {
  // An APICallError without a status never reached the provider; any other error is the model's
  // own (a bad response, a bug in a custom model): both may succeed on another candidate.
  if (status === undefined) return APICallError.isInstance(error) ? 'connection' : 'bad_response';
  return failureOfStatus(status);
}

/** The app gets the delegate's own error (an APICallError it may already handle), not the wrapper. */
export function unwrapDelegateFailure(error: unknown): unknown {
  return error instanceof DelegateFailedError ? error.cause : error;
}
