import { AuthenticationError, CircuitOpenError, ProviderFailedError, RateLimitedError, RoutekitError, StoreUnavailableError } from '@routekit/core';

/** An error as the HTTP API answers it, in OpenAI's shape. */
export interface HttpError {
  status: number;
  headers: Record<string, string>;
  body: { error: { message: string; type: string; code: string; param: string | null; request_id: string } };
}

/**
 * Translates any error into OpenAI's error shape. routekit's errors carry their own status and
 * safe message; anything else is a bug and says only "internal error", so no internals leak.
 */
export function toHttpError(error: unknown, requestId: string): HttpError {
  const headers: Record<string, string> = {};
  if (!(error instanceof RoutekitError)) {
    return { status: 500, headers, body: { error: { message: 'The gateway failed with an internal error.', type: 'server_error', code: 'internal_error', param: null, request_id: requestId } } };
  }
  const retryAfter = error instanceof RateLimitedError || error instanceof StoreUnavailableError ? error.retryAfterSeconds : error instanceof ProviderFailedError || error instanceof CircuitOpenError ? error.retryAfterSeconds : null;
  if (retryAfter !== null) headers['retry-after'] = String(Math.max(0, Math.ceil(retryAfter)));
  // RFC 7235 requires the challenge on every 401; RFC 6750 adds invalid_token when a key was sent.
  if (error instanceof AuthenticationError && error.status === 401) headers['www-authenticate'] = error.code === 'missing_api_key' ? 'Bearer realm="routekit"' : 'Bearer realm="routekit", error="invalid_token"';
  return { status: error.status, headers, body: { error: { message: error.message, type: error.type, code: error.code, param: error.param, request_id: requestId } } };
}
