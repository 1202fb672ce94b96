import type { ModelInfo } from '../catalog/model-info.js';
import { InvalidRequestError } from '../errors.js';
import { applyHardConstraints } from './hard-constraints.js';
import type { Candidate, RoutingDecision } from './routing-decision.js';
import { estimateCostUsd, type RoutingContext } from './routing-context.js';

/**
 * `auto`: among the models that meet the request's needs and the hints, the cheapest first (or the
 * fastest, or the best, by `priority`); the rest stay in rank order as fallbacks. Preferred providers
 * rank before the others, so they win whenever one of them qualifies.
 */
export function autoStrategy(context: RoutingContext): RoutingDecision {
  const { profile, hints, latency } = context;
  const { eligible, rejected } = applyHardConstraints(context.catalog.routable(), profile, hints, latency);
  if (eligible.length === 0) throw noModel(rejected.length);
  const priority = hints.priority ?? 'cost';
  const preferred = new Set(hints.prefer_providers ?? []);
  const candidates = eligible.map((model): Candidate => {
    const estimatedCostUsd = estimateCostUsd(model, profile);
    const estimatedLatencyMs = latency.expectedTotalMs(model, profile.outputTokens);
    const score = priority === 'cost' ? -estimatedCostUsd : priority === 'latency' ? -estimatedLatencyMs : model.quality;
    return { model, score, predictedQuality: model.quality, estimatedCostUsd, estimatedLatencyMs };
  });
  candidates.sort((a, b) => preference(b.model) - preference(a.model) || b.score - a.score || b.model.quality - a.model.quality || a.estimatedCostUsd - b.estimatedCostUsd);
  return { strategy: 'auto', candidates, rejected, reason: explain(candidates[0]!) };

  function preference(model: ModelInfo): number {
    return preferred.has(model.provider) ? 1 : 0;
  }

  function explain(winner: Candidate): string {
    const needs = [profile.needsTools && 'tools', profile.needsVision && 'vision', profile.needsJson && 'JSON mode'].filter(Boolean);
    const what = priority === 'cost' ? 'cheapest' : priority === 'latency' ? 'fastest' : 'highest-quality';
    const among = preferred.has(winner.model.provider) ? ' of the preferred providers' : '';
    const capable = needs.length > 0 ? ` with ${needs.join(', ')}` : '';
    const floor = hints.min_quality_score === undefined ? '' : ` at quality >= ${hints.min_quality_score}`;
    return `${what} model${among}${capable}${floor} out of ${candidates.length} eligible (${rejected.length} set aside)`;
  }
}

export function noModel(rejectedCount: number): InvalidRequestError {
  return new InvalidRequestError(`No model meets this request's needs and hints (${rejectedCount} models set aside); relax the hints or configure another provider.`, {
    code: 'no_eligible_model',
    param: 'model',
  });
}
