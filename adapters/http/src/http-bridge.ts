import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthenticationError, type Receipt, receiptJson, type SpendLimitOptions, StoreUnavailableError, createJsonLogger, describeError, InvalidRequestError, NotFoundError, parseChatRequest, parseRouteRequest, requestLogFields, routeDecisionResponse, type Engine, type Exchange, type Logger, withTimeout } from '@routekit/core';
import { recommendationsReport, type FailedAuthLockout } from '@routekit/operations';
import { adminRoutes } from './admin-routes.js';
import { createApiKeyIndex, openCaller, type ApiKeyEntry, type Caller } from './authenticate.js';
import { embeddingsRoute } from './embeddings-route.js';
import { dashboardAsset, dashboardSecurityHeaders } from './dashboard-assets.js';
import { toHttpError } from './error-body.js';
import { createGatewayMetrics } from './gateway-metrics.js';
import { exchangeInput, header, requestBody } from './exchange-input.js';
import type { KeyManagement } from './key-management.js';
import { matchRoute, type Route, type RouteContext } from './match-route.js';
import { anthropicHttpError, messagesPath, messagesRoutes } from './messages-routes.js';
import { modelResponse, modelsResponse } from './models-response.js';
import { receiptHeader } from './receipt-header.js';
import { responsesRoutes, type ResponsesOptions } from './responses-routes.js';
import { runExchange } from './run-exchange.js';
import { parseReceiptQuery, receiptPage } from './receipt-query.js';
import { parseUsageQuery } from './usage-query.js';
import { spendAgainstLimits } from './spend-against-limits.js';
import { startEventStream, writeSse } from './write-sse.js';

export interface HttpBridgeOptions {
  /** The engine that decides and calls. */
  engine: Engine;
  /** API keys (hashed) the gateway accepts; open when omitted. An empty list is a configuration error. */
  apiKeys?: ApiKeyEntry[];
  /** Where failed `apiKeys` attempts are counted per address; replicas share one (`openSharedStores(...).lockout`). Default: process memory, 10 in 5 minutes lock for 15. */
  apiKeyLockout?: FailedAuthLockout;
  /** Durable API keys, tenant routing preferences, the audit log and the admin API (`await createKeyManagement({ database })`); it authenticates every request instead of `apiKeys`. */
  keyManagement?: KeyManagement;
  /** Largest request body accepted, in bytes, before and after decoding gzip/deflate/br. Default 4 MiB (room for a few inline images). */
  bodyLimitBytes?: number;
  /** Where the API is mounted, e.g. `/llm`; routes are `<prefix>/v1/...`. Default ''. */
  prefix?: string;
  /** One JSON line per request and every 5xx with its cause (never prompt text or secrets); default JSON to stderr at `ROUTEKIT_LOG_LEVEL`; `false` for none. Any pino-compatible logger. */
  logger?: Logger | false;
  /**
   * `GET <prefix>/health` (the process is up) and `GET <prefix>/ready` (its stores answer). Off by
   * default in an app's middleware, where they could shadow the app's own; `npm start` and
   * `routekit serve` turn them on.
   */
  health?: boolean;
  /** More stores `/ready` checks beside the receipt store (e.g. the shared Redis, `openSharedStores(...).readiness`): while one fails, `/ready` is 503 naming it. */
  readiness?: ReadinessCheck[];
  /** Prometheus metrics at `<prefix>/metrics` (an admin key when keys are set). Default off, as `health`. */
  metrics?: boolean;
  /** The dashboard at `<prefix>/dashboard` (its data needs an admin key when keys are set). Default off, as `health`. */
  dashboard?: boolean;
  /** The Responses API's stored responses: where they live and, without `keyManagement`, how long they are kept (storing is off until set). */
  responses?: ResponsesOptions;
  /** The engine's spend limits, shown against spend at `GET <prefix>/v1/usage/limits` (the gateway passes its config's). */
  spendLimits?: SpendLimitOptions;
}

/** A store a replica cannot serve without: `/ready` fails while `check` rejects or takes more than 2 s. */
export interface ReadinessCheck {
  /** Named in the 503's `reason`, e.g. `redis`. */
  readonly name: string;
  /** What the 503's `reason` says when the check fails. Default `<name> unreachable`. */
  readonly reason?: string;
  check(): Promise<void>;
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
  const keys = options.apiKeys === undefined ? undefined : createApiKeyIndex(options.apiKeys, { ...(options.apiKeyLockout && { lockout: options.apiKeyLockout }) });
  const logger = options.logger === false ? undefined : (options.logger ?? createJsonLogger());
  const metrics = options.metrics === true ? createGatewayMetrics() : undefined;
  if (logger !== undefined) engine.onReceipt((receipt) => logger.info(requestLogFields(receipt), 'request'));
  if (metrics !== undefined) engine.onReceipt(metrics.observe);
  const { keyManagement } = options;
  const authenticate = async (request: IncomingMessage): Promise<Caller> => (keyManagement !== undefined ? keyManagement.authenticate(request) : keys === undefined ? openCaller : keys.authenticate(request));

  const routes: Route[] = [
    { method: 'POST', path: '/v1/chat/completions', serve: chatCompletions },
    { method: 'POST', path: '/v1/embeddings', serve: embeddingsRoute({ engine, bodyLimitBytes: limit, keyManagement, fail, answer: (response, body, exchange) => sendJson(response, 200, body, headersOf(exchange, true)) }) },
    { method: 'GET', path: '/v1/models', serve: async ({ response }) => { await engine.refreshHealth(); sendJson(response, 200, modelsResponse(engine)); } },
    { method: 'GET', path: '/v1/models/{id}', serve: async ({ response, parameter }) => { await engine.refreshHealth(); sendJson(response, 200, modelResponse(engine, parameter!)); } },
    { method: 'GET', path: '/v1/receipts/{id}', serve: receipt },
    { method: 'GET', path: '/v1/receipts', serve: recentReceipts },
    { method: 'GET', path: '/v1/usage', serve: usage },
    { method: 'GET', path: '/v1/usage/limits', serve: async ({ response, caller }) => sendJson(response, 200, await spendAgainstLimits({ engine, caller, ...(options.spendLimits && { spendLimits: options.spendLimits }), ...(keyManagement && { keyManagement }), ...(options.apiKeys && { apiKeys: options.apiKeys }) })) },
    { method: 'GET', path: '/v1/recommendations', serve: async ({ request, response, caller }) => sendJson(response, 200, await recommendationsReport({ receipts: engine.receipts, models: engine.catalog.routable(), ...(!caller.admin && { tenant: caller.tenant }), days: new URL(request.url ?? '/', 'http://gateway').searchParams.get('days') })) },
    { method: 'POST', path: '/v1/route', serve: route },
    { method: 'POST', path: '/v1/feedback', serve: feedback },
    ...messagesRoutes({ engine, keyManagement, bodyLimitBytes: limit, fail: (response, error, requestId, exchange) => fail(response, error, requestId, exchange, anthropicHttpError) }),
    ...responsesRoutes({ engine, keyManagement, bodyLimitBytes: limit, options: options.responses, fail }),
    ...(keyManagement === undefined ? [] : adminRoutes(keyManagement)),
  ];
  // Outside /v1: for load balancers, scrapers and people. Each answers only its exact path.
  const operationsRoutes: Route[] = [
    ...(options.health === true ? [{ method: 'GET' as const, path: '/health', serve: health }, { method: 'GET' as const, path: '/ready', serve: ready }] : []),
    ...(metrics === undefined ? [] : [{ method: 'GET' as const, path: '/metrics', serve: prometheus }]),
    ...(options.dashboard === true ? [{ method: 'GET' as const, path: '/dashboard', serve: dashboard }, { method: 'GET' as const, path: '/dashboard/{file}', serve: dashboard }] : []),
  ];

  return {
    async handle(request, response, body) {
      const path = (request.url ?? '/').split('?')[0]!;
      if (!path.startsWith(`${prefix}/v1/`)) return serveOperations(request, response, path);
      try {
        const match = matchRoute(routes, request.method ?? 'GET', path.slice(prefix.length));
        if (match.kind === 'none') {
          throw new NotFoundError(`No API route at this path; the gateway serves ${routes.map((route) => `${route.method} ${prefix}${route.path}`).join(', ')}.`, { code: 'unknown_url' });
        }
        if (match.kind === 'wrong-method') {
          response.setHeader('allow', match.allowed.join(', '));
          throw new InvalidRequestError(`This path does not take ${request.method}; it takes ${match.allowed.join(', ')}.`, { code: 'method_not_allowed', status: 405 });
        }
        const caller = await authenticate(request);
        await match.route.serve({ request, response, caller, parameter: match.parameter, body });
      } catch (error) {
        // Anthropic's clients read errors in Anthropic's shape, also a refused key or an unknown path under its API.
        const anthropic = path === `${prefix}${messagesPath}` || path.startsWith(`${prefix}${messagesPath}/`);
        fail(response, error, `req-${Date.now().toString(36)}`, undefined, anthropic ? anthropicHttpError : toHttpError);
      }
      return true;
    },
  };

  async function serveOperations(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith(`${prefix}/`)) return false;
    const match = matchRoute(operationsRoutes, request.method ?? 'GET', path.slice(prefix.length));
    if (match.kind !== 'route') return false;
    try {
      // The page itself holds no data; its files are public, what it reads is not.
      // Load balancers probe without keys; the dashboard page holds no data (what it reads needs a key).
      const caller = match.route.serve === prometheus ? await authenticate(request) : openCaller;
      await match.route.serve({ request, response, caller, parameter: match.parameter, body: undefined });
    } catch (error) {
      fail(response, error, `req-${Date.now().toString(36)}`);
    }
    return true;
  }

  /**
   * Sends the error; a 5xx is logged with its request id and cause (never the request's text). Not
   * logged as failures: a store outage's 503s (the store guard logs each outage once, not once per
   * request) and a client that went away (its request line says `aborted`).
   */
  function fail(response: ServerResponse, error: unknown, requestId: string, exchange?: Exchange, toError: ErrorAnswer = toHttpError): void {
    const status = toError(error, requestId).status;
    const clientLeft = exchange?.signal.aborted === true || response.destroyed;
    if (logger !== undefined && status >= 500 && !clientLeft && !(error instanceof StoreUnavailableError)) logger.error({ request_id: requestId, status, error: describeError(error) }, 'request failed');
    sendError(response, error, requestId, exchange, toError);
  }

  async function health({ response }: RouteContext): Promise<void> {
    sendJson(response, 200, { status: 'ok' });
  }

  async function ready({ response }: RouteContext): Promise<void> {
    // Ready when the receipt store and every required shared store answer; a store outage is a 503 a load balancer can act on.
    const checks: ReadinessCheck[] = [{ name: 'receipt store', check: async () => void (await engine.receipts.get('routekit-readiness-probe')) }, ...(options.readiness ?? [])];
    const failures = await Promise.all(checks.map((probe) => withTimeout(probe.check(), 2000).then(() => null, (error: unknown) => ({ name: probe.name, reason: probe.reason ?? `${probe.name} unreachable`, error }))));
    const failed = failures.filter((failure) => failure !== null);
    if (failed.length === 0) {
      sendJson(response, 200, { status: 'ready' });
      return;
    }
    sendJson(response, 503, { status: 'unavailable', reason: failed.map((failure) => failure.reason).join(', ') }, { 'retry-after': '5' });
    logger?.warn({ stores: failed.map((failure) => failure.name), error: describeError(failed[0]!.error) }, 'readiness probe failed');
  }

  async function prometheus({ response, caller }: RouteContext): Promise<void> {
    requireAdmin(caller);
    const text = await metrics!.registry.metrics();
    response.writeHead(200, { 'content-type': metrics!.registry.contentType, 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  async function dashboard({ response, parameter }: RouteContext): Promise<void> {
    if (parameter === '') {
      // The page's files are relative to /dashboard; with a trailing slash they would not resolve.
      response.writeHead(301, { location: `${prefix}/dashboard` }).end();
      return;
    }
    const asset = dashboardAsset(parameter === undefined ? '' : `/${parameter}`);
    if (asset === undefined) throw new NotFoundError('No such dashboard file.', { code: 'unknown_url' });
    response.writeHead(200, { ...dashboardSecurityHeaders, 'content-type': asset.contentType, 'content-length': asset.body.length });
    response.end(asset.body);
  }

  async function usage({ request, response, caller }: RouteContext): Promise<void> {
    if (engine.receipts.usage === undefined) throw new NotFoundError('This gateway\'s receipt store cannot answer usage queries; configure a durable store (SQLite or PostgreSQL).', { code: 'usage_unavailable' });
    const query = parseUsageQuery(new URL(request.url ?? '/', 'http://gateway').searchParams, caller);
    sendJson(response, 200, await engine.receipts.usage(query));
  }

  async function recentReceipts({ request, response, caller }: RouteContext): Promise<void> {
    if (engine.receipts.recent === undefined) throw new NotFoundError('This gateway\'s receipt store cannot list receipts.', { code: 'listing_unavailable' });
    const query = parseReceiptQuery(new URL(request.url ?? '/', 'http://gateway').searchParams, caller);
    sendJson(response, 200, receiptPage(await engine.receipts.recent(query), query));
  }

  async function route({ request, response, caller, body }: RouteContext): Promise<void> {
    const parsed = parseRouteRequest(await requestBody(request, body, limit));
    // The key's and tenant's policy as for a chat request: the preview never shows a model the caller may not use.
    const { request: chat, hints } = keyManagement === undefined ? parsed : await keyManagement.prepare({ ...parsed, tenant: caller.tenant }, caller, engine);
    const started = performance.now();
    const decision = engine.router.decide(chat, hints);
    sendJson(response, 200, routeDecisionResponse(decision, performance.now() - started));
  }

  /** Feedback on one of the caller's own answers, by its receipt's request id (docs/learning.md). */
  async function feedback({ request, response, caller, body }: RouteContext): Promise<void> {
    sendJson(response, 200, await engine.feedback(await requestBody(request, body, limit), caller.tenant));
  }

  async function chatCompletions({ request, response, caller, body }: RouteContext): Promise<void> {
    const parsed = parseChatRequest(await requestBody(request, body, limit), { hintsHeader: header(request, 'x-routekit-hints') });
    const ran = await runExchange({ engine, keyManagement, fail }, exchangeInput(parsed, request, response, caller), caller, response);
    if (ran === undefined) return;
    const { exchange, result } = ran;
    if (result.type === 'response') {
      sendJsonWithReceipt(response, result.response, exchange.receipt, headersOf(exchange, true));
      return;
    }
    startEventStream(response, headersOf(exchange, false));
    await writeSse(response, result.stream, exchange.id);
  }

  async function receipt({ request, response, parameter, caller }: RouteContext): Promise<void> {
    const found = await engine.receipts.get(parameter!);
    // Another tenant's receipt is reported as missing, not as forbidden, so ids cannot be probed.
    if (found === undefined || (!caller.admin && found.tenant !== caller.tenant)) {
      throw new NotFoundError('No receipt with this id (receipts are kept for a limited time).', { code: 'receipt_not_found', param: 'id' });
    }
    // ?include=content adds the prompt and answer kept for a tenant that opted in (redacted, as the model saw them).
    const include = new URL(request.url ?? '/', 'http://gateway').searchParams.get('include');
    const content = include === 'content' && keyManagement !== undefined ? await keyManagement.retention.get(found.request_id, found.tenant) : undefined;
    sendJson(response, 200, content === undefined ? found : { ...found, content: { messages: content.messages, answer: content.answer, retained_until: content.retained_until } });
  }
}

function requireAdmin(caller: { admin: boolean }): void {
  if (!caller.admin) throw new AuthenticationError('This needs an admin key.', { code: 'admin_required', status: 403 });
}

/** How an API answers an error: OpenAI's shape (`toHttpError`) or Anthropic's (`anthropicHttpError`). */
type ErrorAnswer = (error: unknown, requestId: string) => { status: number; headers: Record<string, string>; body: unknown };

export function headersOf(exchange: Exchange, final: boolean): Record<string, string> {
  return { ...exchange.responseHeaders, 'x-request-id': exchange.id, 'x-routekit-receipt': receiptHeader(exchange.receipt, final) };
}

function sendError(response: ServerResponse, error: unknown, requestId: string, exchange: Exchange | undefined, toError: ErrorAnswer): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const httpError = toError(error, requestId);
  sendJson(response, httpError.status, httpError.body, { ...exchange?.responseHeaders, ...httpError.headers, 'x-request-id': requestId });
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(response, status, JSON.stringify(body), headers);
}

/**
 * Sends an answer with its receipt under `x-routekit`, as `sendJson(response, 200, { ...body,
 * 'x-routekit': receipt })` would, byte for byte, but with the receipt's JSON made once for this and
 * the receipt store (`receiptJson`). `headers` are made for this answer alone (`headersOf`'s): the
 * content headers are added to them, not to a copy.
 */
export function sendJsonWithReceipt(response: ServerResponse, body: object, receipt: Receipt, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  // An answer that already holds the key (another gateway's) keeps its place in the object, as the spread does.
  if (Object.hasOwn(body, 'x-routekit') || !text.endsWith('}')) return sendJson(response, 200, { ...body, 'x-routekit': receipt }, headers);
  sendText(response, 200, `${text.length === 2 ? '{' : `${text.slice(0, -1)},`}"x-routekit":${receiptJson(receipt)}}`, headers, true);
}

/** Sends JSON text; `ownHeaders` when `headers` were made for this answer alone, so the content headers go into them rather than a copy. */
function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string>, ownHeaders = false): void {
  const all: Record<string, string | number> = ownHeaders ? headers : { ...headers };
  all['content-type'] = 'application/json; charset=utf-8';
  all['content-length'] = Buffer.byteLength(text);
  response.writeHead(status, all);
  response.end(text);
}

