import { isEmbeddingRequest } from '../embeddings/embedding-request.js';
import { InvalidRequestError } from '../errors.js';
import type { RoutingDecision } from './routing-decision.js';
import { estimateCostUsd, type RoutingContext } from './routing-context.js';

/**
 * An explicit `provider/model`: one candidate, no fallback to a model the client did not ask for.
 * Embedding models answer embeddings requests only, and chat models chat requests only; a model
 * the catalog does not know (passed through to its configured provider) may be either.
 */
export function explicitStrategy(context: RoutingContext, name: string): RoutingDecision {
  const model = context.catalog.resolve(name);
  if (!context.catalog.serves(model)) {
    throw new InvalidRequestError(context.catalog.unroutableMessage(name) ?? `The provider "${model.provider}" of this model is not configured on this gateway.`, { code: 'provider_not_configured', param: 'model' });
  }
  const embedding = isEmbeddingRequest(context.request);
  if (embedding && model.kind !== 'embedding' && model.priceUnknown !== true) {
    throw new InvalidRequestError(`${model.id} is a chat model; POST /v1/embeddings takes an embedding model: ${context.catalog.embeddingModels().map((each) => each.id).join(', ') || 'none is configured'}.`, { code: 'model_not_embedding', param: 'model' });
  }
  if (!embedding && model.kind === 'embedding') {
    throw new InvalidRequestError(`${model.id} is an embedding model; send it to POST /v1/embeddings, or name a chat model here.`, { code: 'model_not_chat', param: 'model' });
  }
  const { profile, latency } = context;
  return {
    strategy: 'explicit',
    candidates: [{ model, score: 1, estimatedCostUsd: estimateCostUsd(model, profile), estimatedLatencyMs: latency.expectedTotalMs(model, profile.outputTokens) }],
    rejected: [],
    reason: 'model named by the client',
  };
}
