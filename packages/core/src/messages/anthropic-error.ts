import { AuthenticationError, ProviderFailedError, RoutekitError } from '../errors.js';

/** An error as Anthropic's API answers it. */
export interface AnthropicError {
  status: number;
  body: { type: 'error'; error: { type: string; message: string }; request_id: string };
}

/** Anthropic's error type for each status it uses; other statuses take the nearest. */
function errorTypeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status === 529) return 'overloaded_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

/**
 * Translates any error into Anthropic's error shape and status codes. routekit's errors keep their
 * status and safe message; an upstream's 529 (overloaded) is passed through as 529 so Anthropic
 * clients back off as they would from Anthropic; anything else is a bug and says only "internal error".
 */
export function toAnthropicError(error: unknown, requestId: string): AnthropicError {
  if (!(error instanceof RoutekitError)) return { status: 500, body: { type: 'error', error: { type: 'api_error', message: 'The gateway failed with an internal error.' }, request_id: requestId } };
  const status = error instanceof ProviderFailedError && error.upstreamStatus === 529 ? 529 : error instanceof AuthenticationError && error.code === 'missing_api_key' ? 401 : error.status;
  const message = error instanceof AuthenticationError && error.code === 'missing_api_key' ? 'Missing API key: send x-api-key: <key> or Authorization: Bearer <key>.' : error.message;
  return { status, body: { type: 'error', error: { type: errorTypeOf(status), message }, request_id: requestId } };
}
