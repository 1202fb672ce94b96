import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError, NotFoundError, parseChatRequest, type Engine, type Exchange } from '@routekit/core';
import { createApiKeyIndex, openCaller, type ApiKeyEntry } from './authenticate.js';
import { toHttpError } from './error-body.js';
import { assertValueDepth } from './json-depth.js';
import { matchRoute, type Route, type RouteContext } from './match-route.js';
import { modelResponse, modelsResponse } from './models-response.js';
import { assertJsonContentType, readJsonBody } from './read-json-body.js';
import { receiptHeader } from './receipt-header.js';
import { writeSse } from './write-sse.js';

export interface HttpBridgeOptions {
  /** The engine that decides and calls. */
  engine: Engine;
  /** API keys (hashed) the gateway accepts; open when omitted. An empty list is a configuration error. */
  apiKeys?: ApiKeyEntry[];
  /** Largest request body accepted, in bytes, before and after decoding gzip/deflate/br. Default 4 MiB (room for a few inline images). */
  bodyLimitBytes?: number;
  /** Where the API is mounted, e.g. `/llm`; routes are `<prefix>/v1/...`. Default ''. */
  prefix?: string;
}

/** The OpenAI-compatible API over Node's own request and response objects. */
export interface HttpBridge {
  /**
   * Serves every request under `<prefix>/v1/` and resolves `true` (an unknown path gets OpenAI's
   * JSON 404); resolves `false` for any other path so the framework can pass it on. `body` is a
   * body a framework already parsed.
   */
  handle(request: IncomingMessage, response: ServerResponse, body?: unknown): Promise<boolean>;
}

/**
 * The shared Node HTTP bridge every server adapter sits on: the API's routes (one table, below),
 * auth, body limits and content checks, JSON and SSE responses, OpenAI-style errors. The gateway
 * owns `<prefix>/v1/*`: an app's own `/v1` routes go before it or under another prefix.
 *
 * @example
 * const bridge = createHttpBridge({ engine });
 * http.createServer(async (request, response) => { if (!(await bridge.handle(request, response))) response.writeHead(404).end(); });
 */
export function createHttpBridge(options: HttpBridgeOptions): HttpBridge {
  const { engine } = options;
  const prefix = options.prefix ?? '';
  const limit = options.bodyLimitBytes ?? 4 * 1024 * 1024;
  const keys = options.apiKeys === undefined ? undefined : createApiKeyIndex(options.apiKeys);

  const routes: Route[] = [
    { method: 'POST', path: '/v1/chat/completions', serve: chatCompletions },
    { method: 'GET', path: '/v1/models', serve: async ({ response }) => sendJson(response, 200, modelsResponse(engine)) },
    { method: 'GET', path: '/v1/models/{id}', serve: async ({ response, parameter }) => sendJson(response, 200, modelResponse(engine, parameter!)) },
    { method: 'GET', path: '/v1/receipts/{id}', serve: receipt },
  ];

  return {
    async handle(request, response, body) {
      const path = (request.url ?? '/').split('?')[0]!;
      if (!path.startsWith(`${prefix}/v1/`)) return false;
      try {
        const match = matchRoute(routes, request.method ?? 'GET', path.slice(prefix.length));
        if (match.kind === 'none') {
          throw new NotFoundError(`No API route at this path; the gateway serves ${routes.map((route) => `${route.method} ${prefix}${route.path}`).join(', ')}.`, { code: 'unknown_url' });
        }
        if (match.kind === 'wrong-method') {
          response.setHeader('allow', match.allowed.join(', '));
          throw new InvalidRequestError(`This path does not take ${request.method}; it takes ${match.allowed.join(', ')}.`, { code: 'method_not_allowed', status: 405 });
        }
        const caller = keys === undefined ? openCaller : keys.authenticate(request);
        await match.route.serve({ request, response, caller, parameter: match.parameter, body });
      } catch (error) {
        sendError(response, error, `req-${Date.now().toString(36)}`);
      }
      return true;
    },
  };

  async function chatCompletions({ request, response, caller, body }: RouteContext): Promise<void> {
    assertJsonContentType(request);
    // A framework body parser that ran first has consumed the stream; its result is then the body.
    const preParsed = body !== undefined && request.readableEnded;
    if (preParsed) assertValueDepth(body);
    const raw = preParsed ? body : await readJsonBody(request, limit);
    const parsed = parseChatRequest(raw, { hintsHeader: header(request, 'x-routekit-hints') });
    const aborter = new AbortController();
    // 'close' on the response also fires after a normal end; only an unfinished response means the client left.
    response.on('close', () => {
      if (!response.writableFinished) aborter.abort();
    });
    const exchange = engine.createExchange({
      ...parsed,
      tenant: caller.tenant,
      apiKeyId: caller.apiKeyId,
      signal: aborter.signal,
      headers: {
        'cache-control': header(request, 'cache-control'),
        'x-routekit-cache': header(request, 'x-routekit-cache'),
        // Read by the engine's resilience layer (the body fields of the same names win).
        'x-fallback-chain': header(request, 'x-fallback-chain'),
        'x-routekit-deadline-ms': header(request, 'x-routekit-deadline-ms'),
      },
    });
    let result;
    try {
      result = await engine.run(exchange);
    } catch (error) {
      sendError(response, error, exchange.id, exchange);
      return;
    }
    if (result.type === 'response') {
      sendJson(response, 200, { ...result.response, 'x-routekit': exchange.receipt }, headersOf(exchange, true));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no', ...headersOf(exchange, false) });
    response.flushHeaders();
    await writeSse(response, result.stream, exchange.id);
  }

  async function receipt({ response, parameter, caller }: RouteContext): Promise<void> {
    const found = await engine.receipts.get(parameter!);
    // Another tenant's receipt is reported as missing, not as forbidden, so ids cannot be probed.
    if (found === undefined || (keys !== undefined && found.tenant !== caller.tenant)) {
      throw new NotFoundError('No receipt with this id (receipts are kept for a limited time).', { code: 'receipt_not_found', param: 'id' });
    }
    sendJson(response, 200, found);
  }
}

function headersOf(exchange: Exchange, final: boolean): Record<string, string> {
  return { ...exchange.responseHeaders, 'x-request-id': exchange.id, 'x-routekit-receipt': receiptHeader(exchange.receipt, final) };
}

function sendError(response: ServerResponse, error: unknown, requestId: string, exchange?: Exchange): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const httpError = toHttpError(error, requestId);
  sendJson(response, httpError.status, httpError.body, { ...exchange?.responseHeaders, ...httpError.headers, 'x-request-id': requestId });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
