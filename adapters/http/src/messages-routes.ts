import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertAnthropicVersion, countMessageTokens, parseCountTokensRequest, parseMessagesRequest, toAnthropicError, toAnthropicEvents, toAnthropicMessage, type AnthropicEvent } from '@routekit/core';
import { toHttpError } from './error-body.js';
import { exchangeInput, header, requestBody } from './exchange-input.js';
import { headersOf, sendJson, sendJsonWithReceipt } from './http-bridge.js';
import type { Route, RouteContext } from './match-route.js';
import { runExchange, type ExchangeRunner } from './run-exchange.js';
import { drained, startEventStream, writeEvent } from './write-sse.js';

/** Where Anthropic's Messages API is served, relative to the bridge's prefix: its errors take Anthropic's shape. */
export const messagesPath = '/v1/messages';

/** An error in Anthropic's shape, with the same headers (`retry-after`, `www-authenticate`) the OpenAI-shaped answer has. */
export function anthropicHttpError(error: unknown, requestId: string): { status: number; headers: Record<string, string>; body: unknown } {
  const { status, body } = toAnthropicError(error, requestId);
  return { status, headers: toHttpError(error, requestId).headers, body };
}

/** `fail` is the bridge's error path (logs a 5xx with its cause), answering in Anthropic's shape. */
export interface MessagesRoutesOptions extends ExchangeRunner {
  bodyLimitBytes: number;
}

/**
 * Anthropic's Messages API in front of the engine: `POST /v1/messages` (JSON and SSE) and
 * `POST /v1/messages/count_tokens`. The body is translated to the engine's ChatRequest at the
 * edge (core's `parseMessagesRequest`), routed like any chat request, and the answer translated
 * back (`toAnthropicMessage`, `toAnthropicEvents`); the receipt rides in `x-routekit-receipt` and
 * in an `x-routekit` field Anthropic's SDKs ignore.
 */
export function messagesRoutes(options: MessagesRoutesOptions): Route[] {
  async function readBody(request: IncomingMessage, body: unknown): Promise<unknown> {
    assertAnthropicVersion(header(request, 'anthropic-version'));
    return requestBody(request, body, options.bodyLimitBytes);
  }

  async function messages({ request, response, caller, body }: RouteContext): Promise<void> {
    const parsed = parseMessagesRequest(await readBody(request, body), { hintsHeader: header(request, 'x-routekit-hints'), betaHeader: header(request, 'anthropic-beta') });
    const ran = await runExchange(options, exchangeInput(parsed, request, response, caller), caller, response);
    if (ran === undefined) return;
    const { exchange, result } = ran;
    if (result.type === 'response') {
      sendJsonWithReceipt(response, toAnthropicMessage(result.response), exchange.receipt, headersOf(exchange, true));
      return;
    }
    startEventStream(response, headersOf(exchange, false));
    await writeAnthropicSse(response, toAnthropicEvents(result.stream), exchange.id);
  }

  async function countTokens({ request, response, body }: RouteContext): Promise<void> {
    const parsed = parseCountTokensRequest(await readBody(request, body), { hintsHeader: header(request, 'x-routekit-hints'), betaHeader: header(request, 'anthropic-beta') });
    sendJson(response, 200, { input_tokens: countMessageTokens(parsed.request) });
  }

  return [
    { method: 'POST', path: messagesPath, serve: messages },
    { method: 'POST', path: `${messagesPath}/count_tokens`, serve: countTokens },
  ];
}

/**
 * Writes Anthropic's event stream (`event: <type>` and its JSON), waiting for the socket to drain.
 * A failure after the first byte can no longer change the status, so it goes out as an `error`
 * event, which Anthropic's SDKs raise as an APIError.
 */
async function writeAnthropicSse(response: ServerResponse, events: AsyncIterable<AnthropicEvent>, requestId: string): Promise<void> {
  try {
    for await (const event of events) {
      if (response.destroyed) break;
      if (!writeEvent(response, `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)) await drained(response);
    }
    if (!response.destroyed) response.end();
  } catch (error) {
    if (response.destroyed) return;
    const { body } = toAnthropicError(error, requestId);
    response.end(`event: error\ndata: ${JSON.stringify(body)}\n\n`);
  }
}
