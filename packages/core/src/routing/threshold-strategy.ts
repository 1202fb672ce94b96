import type { ModelInfo } from '../catalog/model-info.js';
import { InvalidRequestError } from '../errors.js';
import { noModel } from './auto-strategy.js';
import { applyHardConstraints } from './hard-constraints.js';
import type { QualityScorer } from './quality-scorer.js';
import { scoredText } from './quality-scorer.js';
import type { Candidate, RoutingDecision } from './routing-decision.js';
import { estimateCostUsd, type RoutingContext } from './routing-context.js';

/** The catalog models a two-model router chooses between. */
export interface ModelPair {
  /** Catalog id of the strong (expensive) model. */
  strong: string;
  /** Catalog id of the weak (cheap) model. */
  weak: string;
}

/**
 * `router-<scorer>-<threshold>`: the strong model when the scorer's strong-win probability is at least
 * the threshold, else the weak one; the other model stays as the fallback. Hard constraints come first:
 * when one of the pair cannot serve the request, the other serves it whatever the score.
 */
export function thresholdStrategy(context: RoutingContext, scorer: QualityScorer, threshold: number, pair: ModelPair): RoutingDecision {
  const strong = resolvePairModel(context, pair.strong);
  const weak = resolvePairModel(context, pair.weak);
  const probability = scorer.strongWinProbability(scoredText(context.request));
  const useStrong = probability >= threshold;
  const ordered = useStrong ? [strong, weak] : [weak, strong];
  const { eligible, rejected } = applyHardConstraints(ordered, context.profile, context.hints, context.latency);
  if (eligible.length === 0) throw noModel(rejected.length);
  const { profile, latency } = context;
  const candidates = eligible.map((model): Candidate => ({
    model,
    score: model === strong ? probability : 1 - probability,
    estimatedCostUsd: estimateCostUsd(model, profile),
    estimatedLatencyMs: latency.expectedTotalMs(model, profile.outputTokens),
  }));
  const winner = candidates[0]!.model === strong ? 'strong' : 'weak';
  const forced = (winner === 'strong') !== useStrong ? ' (the other model was set aside by the request\'s needs)' : '';
  return {
    strategy: `router-${scorer.name}-${threshold}`,
    candidates,
    rejected,
    strongWinProbability: probability,
    reason: `${winner} model: strong-win probability ${probability.toFixed(3)} ${useStrong ? '>=' : '<'} threshold ${threshold}${forced}`,
  };
}

function resolvePairModel(context: RoutingContext, id: string): ModelInfo {
  const model = context.catalog.get(id) ?? context.catalog.resolve(id);
  if (!context.catalog.routable().includes(model)) {
    throw new InvalidRequestError(`The router's model "${model.id}" is not configured on this gateway; configure its provider or map the router to another pair (RouterOptions.pairs).`, {
      code: 'provider_not_configured',
      param: 'model',
    });
  }
  return model;
}
