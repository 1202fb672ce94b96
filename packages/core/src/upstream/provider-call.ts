import type { ChatRequest } from '../chat/chat-request.js';
import type { ResolvedProvider } from './provider-config.js';
import { badResponse, statusFailure, toProviderFailure, type FailureContext } from './provider-failure.js';
import { sendUpstreamRequest, upstreamTarget, type UpstreamPool, type UpstreamResponse } from './upstream-http.js';

/** What one provider call needs besides the request. */
export interface ProviderCallInput {
  provider: ResolvedProvider;
  request: ChatRequest;
  signal: AbortSignal;
  pool: UpstreamPool;
}

/** Sends the request; a non-success status becomes a ProviderFailedError here. */
export async function sendToProvider(input: ProviderCallInput, context: FailureContext, options: { path: string; headers: Record<string, string>; body: string }): Promise<UpstreamResponse> {
  const { provider, signal } = input;
  let response: UpstreamResponse;
  try {
    response = await sendUpstreamRequest({ target: upstreamTarget(provider.baseUrl + options.path), headers: options.headers, body: options.body, pool: input.pool, timeoutMs: provider.timeoutMs, idleTimeoutMs: provider.idleTimeoutMs, signal });
  } catch (error) {
    throw toProviderFailure(error, context, signal);
  }
  if (response.status >= 200 && response.status < 300) return response;
  let text = '';
  try {
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    // The status already says what failed; an unreadable error body only loses the message.
  }
  throw statusFailure({ context, status: response.status, headers: response.headers, body: text, request: input.request });
}

/** Reads a whole success body as JSON; unparsable text is a `bad_response`. */
export async function readJson(response: UpstreamResponse, context: FailureContext, signal: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw toProviderFailure(error, context, signal);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badResponse(context, 'invalid JSON', error);
  }
}

