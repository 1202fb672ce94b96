import type { ServerResponse } from 'node:http';
import { fromEngineResponse, parseEmbeddingRequest, ProviderFailedError, type Engine, type Exchange } from '@routekit/core';
import { exchangeInput, requestBody } from './exchange-input.js';
import type { KeyManagement } from './key-management.js';
import type { RouteContext } from './match-route.js';

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
    const parsed = parseEmbeddingRequest(await requestBody(request, body, options.bodyLimitBytes));
    const input = exchangeInput(parsed, request, response, caller);
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
