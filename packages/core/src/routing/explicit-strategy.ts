import { InvalidRequestError } from '../errors.js';
import type { RoutingDecision } from './routing-decision.js';
import { estimateCostUsd, type RoutingContext } from './routing-context.js';

/** An explicit `provider/model`: one candidate, no fallback to a model the client did not ask for. */
export function explicitStrategy(context: RoutingContext, name: string): RoutingDecision {
  const model = context.catalog.resolve(name);
  if (!context.catalog.routable().includes(model)) {
    throw new InvalidRequestError(context.catalog.unroutableMessage(name) ?? `The provider "${model.provider}" of this model is not configured on this gateway.`, { code: 'provider_not_configured', param: 'model' });
  }
  const { profile, latency } = context;
  return {
    strategy: 'explicit',
    candidates: [{ model, score: 1, estimatedCostUsd: estimateCostUsd(model, profile), estimatedLatencyMs: latency.expectedTotalMs(model, profile.outputTokens) }],
    rejected: [],
    reason: 'model named by the client',
  };
}
