import type { ChatResult } from '../pipeline/chat-result.js';
import { toAnthropicRequest } from './anthropic-request.js';
import { fromAnthropicEvents, fromAnthropicResponse } from './anthropic-response.js';
import { primeStream } from './prime-stream.js';
import { readJson, sendToProvider, type ProviderCallInput } from './provider-call.js';
import { toProviderFailure, toStreamFailure, type FailureContext } from './provider-failure.js';
import { parseServerSentEvents } from './server-sent-events.js';

/** The Messages API version whose wire format the translation follows. */
export const anthropicVersion = '2023-06-01';

/** Calls Anthropic's `POST {baseUrl}/messages`, translating to and from OpenAI's format. */
export async function callAnthropicMessages(input: ProviderCallInput): Promise<ChatResult> {
  const { provider, request, signal } = input;
  const context: FailureContext = { provider: provider.id, model: request.model };
  const body = JSON.stringify(toAnthropicRequest(request));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream ? 'text/event-stream' : 'application/json',
    'user-agent': 'routekit',
    'anthropic-version': anthropicVersion,
    ...(provider.apiKey !== undefined && { 'x-api-key': provider.apiKey }),
    // The client's beta features (prompt-caching variants, longer outputs…) are Anthropic's only: passed on here and nowhere else.
    ...(request['x-anthropic']?.beta !== undefined && request['x-anthropic'].beta.length > 0 && { 'anthropic-beta': request['x-anthropic'].beta.join(',') }),
    ...provider.headers,
  };
  const response = await sendToProvider(input, context, { path: '/messages', headers, body });
  if (!request.stream) return { type: 'response', response: fromAnthropicResponse(await readJson(response, context, signal), context) };
  const translate = async function* () {
    try {
      yield* fromAnthropicEvents(parseServerSentEvents(response.chunks()), context);
    } catch (error) {
      throw toStreamFailure(error, context, signal);
    }
  };
  try {
    return { type: 'stream', stream: await primeStream(translate()) };
  } catch (error) {
    throw toProviderFailure(error, context, signal);
  }
}
