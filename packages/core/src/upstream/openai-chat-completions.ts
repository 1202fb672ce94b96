import type { ChatRequest } from '../chat/chat-request.js';
import type { ChatChunk, ChatResponse } from '../chat/chat-response.js';
import { withoutAnthropicExtensions } from '../chat/without-anthropic-extensions.js';
import { ProviderFailedError } from '../errors.js';
import type { ChatResult } from '../pipeline/chat-result.js';
import { openAiEndpoint } from './openai-endpoint.js';
import { primeStream } from './prime-stream.js';
import { readJson, sendToProvider, type ProviderCallInput } from './provider-call.js';
import { badResponse, failureOfStatus, safeUpstreamMessage, streamCut, toProviderFailure, toStreamFailure, type FailureContext } from './provider-failure.js';
import { parseServerSentEvents } from './server-sent-events.js';
import type { UpstreamResponse } from './upstream-http.js';

/** Calls an OpenAI-compatible `POST {baseUrl}/chat/completions` (for Azure, the model's deployment URL). */
export async function callOpenAiChatCompletions(input: ProviderCallInput): Promise<ChatResult> {
  const { provider, request, signal } = input;
  const context: FailureContext = { provider: provider.id, model: request.model };
  const endpoint = openAiEndpoint(provider, 'chat/completions', request.model);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream ? 'text/event-stream' : 'application/json',
    'user-agent': 'routekit',
    ...endpoint.headers,
    ...provider.headers,
  };
  const response = await sendToProvider(input, context, { path: endpoint.path, headers, body: JSON.stringify(openAiBody(request)) });
  if (!request.stream || !isEventStream(response)) {
    const parsed = await readJson(response, context, signal);
    if (!isChatResponse(parsed)) throw badResponse(context, 'not a chat completion');
    return request.stream ? { type: 'stream', stream: chunksOfResponse(parsed) } : { type: 'response', response: parsed };
  }
  try {
    return { type: 'stream', stream: await primeStream(readOpenAiStream(response, context, input)) };
  } catch (error) {
    throw toProviderFailure(error, context, signal);
  }
}

/** The body sent upstream: routekit's own `x-…` fields and Anthropic's extensions stay home, streams always ask for usage. */
export function openAiBody(request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const plain = withoutAnthropicExtensions(request) as Record<string, unknown>;
  for (const field in plain) {
    if (!Object.hasOwn(plain, field) || field.startsWith('x-')) continue;
    // A field named __proto__ must stay a field, not become the prototype: only defineProperty keeps it one.
    if (field === '__proto__') Object.defineProperty(body, field, { value: plain[field], enumerable: true, writable: true, configurable: true });
    else body[field] = plain[field];
  }
  // OpenAI rejects stream_options on a request that does not stream.
  if (request.stream) body.stream_options = { ...request.stream_options, include_usage: true };
  else delete body.stream_options;
  return body;
}

function isEventStream(response: UpstreamResponse): boolean {
  return (response.headers['content-type'] ?? '').includes('text/event-stream');
}

function isChatResponse(value: unknown): value is ChatResponse {
  return typeof value === 'object' && value !== null && Array.isArray((value as { choices?: unknown }).choices);
}

/**
 * The chunks of an OpenAI SSE stream. It ends at `data: [DONE]` (or at the end of a body that
 * carried a finish reason); a body that ends before either is a cut stream.
 */
async function* readOpenAiStream(response: UpstreamResponse, context: FailureContext, { request, signal }: ProviderCallInput): AsyncGenerator<ChatChunk> {
  let done = false;
  let finished = false;
  try {
    for await (const event of parseServerSentEvents(response.chunks())) {
      // Read on to the end of the body after [DONE] so the socket goes back to the pool.
      if (done) continue;
      if (event.data === '[DONE]') {
        done = true;
        continue;
      }
      let chunk: ChatChunk & { error?: { message?: string; type?: string; code?: unknown } };
      try {
        chunk = JSON.parse(event.data);
      } catch (error) {
        throw badResponse(context, 'invalid JSON in the stream', error);
      }
      if (chunk.error !== undefined) throw streamError(chunk.error, context, request);
      if (!Array.isArray(chunk.choices)) throw badResponse(context, 'a stream chunk without choices');
      if (chunk.choices.some((choice) => choice.finish_reason != null)) finished = true;
      yield chunk;
    }
  } catch (error) {
    if (done) return;
    throw toStreamFailure(error, context, signal);
  }
  if (!done && !finished) throw streamCut(context);
}

function streamError(error: { message?: string; type?: string; code?: unknown }, context: FailureContext, request: ChatRequest): ProviderFailedError {
  const rateLimited = error.type === 'rate_limit_error' || error.code === 'rate_limit_exceeded';
  const message = safeUpstreamMessage(typeof error.message === 'string' ? error.message : undefined, request);
  return new ProviderFailedError(`Provider ${context.provider} failed mid-stream for model ${context.model}${message === undefined ? '' : `: ${message}`}`, {
    ...context,
    failure: rateLimited ? failureOfStatus(429) : 'server_error',
  });
}

/** A whole response replayed as stream chunks, for servers that ignore `stream: true`. */
export async function* chunksOfResponse(response: ChatResponse): AsyncGenerator<ChatChunk> {
  const base = { id: response.id, object: 'chat.completion.chunk' as const, created: response.created, model: response.model };
  for (const choice of response.choices) {
    const toolCalls = choice.message.tool_calls?.map((call, index) => ({ index, ...call }));
    yield { ...base, choices: [{ index: choice.index, delta: { role: 'assistant', content: choice.message.content, ...(toolCalls && { tool_calls: toolCalls }) }, finish_reason: null }] };
    yield { ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }] };
  }
  if (response.usage !== undefined) yield { ...base, choices: [], usage: response.usage };
}
