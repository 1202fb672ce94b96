import type { ServerResponse } from 'node:http';
import { fromEngineResponse, parseEmbeddingRequest, ProviderFailedError, type Exchange } from '@routekit/core';
import { exchangeInput, requestBody } from './exchange-input.js';
import type { RouteContext } from './match-route.js';
import { runExchange, type ExchangeRunner } from './run-exchange.js';

/** What the embeddings route needs from the bridge. */
export interface EmbeddingsRouteOptions extends ExchangeRunner {
  bodyLimitBytes: number;
  /** Sends a JSON answer with the exchange's headers (receipt, rate limits, request id). */
  answer(response: ServerResponse, body: unknown, exchange: Exchange): void;
}

/**
 * `POST /v1/embeddings`: OpenAI's embeddings API over the engine, so rate and spend limits, PII
 * redaction, the exact cache and receipts apply as on chat. The model is named explicitly and
 * never falls back to another one: two models' vectors are not comparable.
 */
export function embeddingsRoute(options: EmbeddingsRouteOptions): (context: RouteContext) => Promise<void> {
  return async ({ request, response, caller, body }) => {
    const parsed = parseEmbeddingRequest(await requestBody(request, body, options.bodyLimitBytes));
    // A tenant's default fallback chain names chat models: never for an embeddings request.
    const ran = await runExchange(options, exchangeInput(parsed, request, response, caller), caller, response, (prepared) => ({ ...prepared, headers: { ...prepared.headers, 'x-fallback-chain': undefined } }));
    if (ran === undefined) return;
    const { exchange, result } = ran;
    if (result.type !== 'response') {
      options.fail(response, new ProviderFailedError('An embeddings call answered with a stream.', { provider: exchange.receipt.winner ?? 'unknown', model: exchange.request.model, failure: 'bad_response' }), exchange.id, exchange);
      return;
    }
    options.answer(response, { ...fromEngineResponse(result.response), 'x-routekit': exchange.receipt }, exchange);
  };
}
