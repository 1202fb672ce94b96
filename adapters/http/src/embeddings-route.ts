import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromEngineResponse, parseEmbeddingRequest, ProviderFailedError, type Engine, type Exchange, type ExchangeInput } from '@routekit/core';
import { assertValueDepth } from './json-depth.js';
import type { KeyManagement } from './key-management.js';
import type { RouteContext } from './match-route.js';
import { assertJsonContentType, readJsonBody } from './read-json-body.js';

/** What the embeddings route needs from the bridge. */
export interface EmbeddingsRouteOptions {
  engine: Engine;
  bodyLimitBytes: number;
  keyManagement: KeyManagement | undefined;
  /** Sends an error (OpenAI's shape) and logs a 5xx. */
  fail(response: ServerResponse, error: unknown, requestId: string, exchange?: Exchange): void;
  /** Sends a JSON answer with the exchange's headers (receipt, rate limits, request id). */
  answer(response: ServerResponse, body: unknown, exchange: Exchange): void;
}

/**
 * `POST /v1/embeddings`: OpenAI's embeddings API over the engine, so rate and spend limits, PII
 * redaction, the exact cache and receipts apply as on chat. The model is named explicitly and
 * never falls back to another one: two models' vectors are not comparable.
 */
export function embeddingsRoute(options: EmbeddingsRouteOptions): (context: RouteContext) => Promise<void> {
  const { engine, keyManagement } = options;
  return async ({ request, response, caller, body }) => {
    assertJsonContentType(request);
    // A framework body parser that ran first has consumed the stream; its result is then the body.
    const preParsed = body !== undefined && request.readableEnded;
    if (preParsed) assertValueDepth(body);
    const parsed = parseEmbeddingRequest(preParsed ? body : await readJsonBody(request, options.bodyLimitBytes));
    const aborter = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) aborter.abort();
    });
    const input: ExchangeInput = {
      request: parsed.request,
      options: parsed.options,
      tenant: caller.tenant,
      apiKeyId: caller.apiKeyId,
      signal: aborter.signal,
      headers: { 'cache-control': header(request, 'cache-control'), 'x-routekit-cache': header(request, 'x-routekit-cache'), 'x-routekit-deadline-ms': header(request, 'x-routekit-deadline-ms') },
    };
    const prepared = keyManagement === undefined ? input : await keyManagement.prepare(input, caller, engine);
    // A tenant's default fallback chain names chat models: never for an embeddings request.
    const exchange = engine.createExchange({ ...prepared, headers: { ...prepared.headers, 'x-fallback-chain': undefined } });
    let result;
    try {
      result = await engine.run(exchange);
      if (result.type !== 'response') throw new ProviderFailedError('An embeddings call answered with a stream.', { provider: exchange.receipt.winner ?? 'unknown', model: exchange.request.model, failure: 'bad_response' });
    } catch (error) {
      options.fail(response, error, exchange.id, exchange);
      return;
    }
    options.answer(response, { ...fromEngineResponse(result.response), 'x-routekit': exchange.receipt }, exchange);
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
