import type { ModelInfo } from '../catalog/model-info.js';
import { InvalidRequestError } from '../errors.js';
import { applyHardConstraints } from './hard-constraints.js';
import type { PromptQuality } from './prompt-quality.js';
import type { Candidate, RoutingDecision } from './routing-decision.js';
import { estimateCostUsd, type RoutingContext } from './routing-context.js';

/**
 * How far below the best predicted quality `auto` may go to save cost or time, by priority, as a
 * share of the best: `quality` keeps within 5% of the best model for this prompt (and takes the
 * cheapest such model), `cost` and `latency` within 15%.
 */
export const autoTolerance = { cost: 0.15, latency: 0.15, quality: 0.05 } as const;

/**
 * `auto`: every model that meets the request's needs and the hints gets a predicted quality for this
 * prompt; those within the priority's tolerance of the best prediction rank first, cheapest (or
 * fastest) first, the rest follow by predicted quality as fallbacks. An easy prompt brings every
 * model within tolerance, so the cheapest wins; a hard one leaves only strong models there.
 * `min_quality_score` holds against the prediction. Preferred providers rank before the others.
 */
export function autoStrategy(context: RoutingContext, predicted: PromptQuality = (model) => model.quality): RoutingDecision {
  const { profile, hints, latency } = context;
  const { eligible, rejected } = applyHardConstraints(context.catalog.routable(), profile, hints, latency, predicted);
  if (eligible.length === 0) throw noModel(rejected.length);
  const priority = hints.priority ?? 'cost';
  const preferred = new Set(hints.prefer_providers ?? []);
  const candidates = eligible.map((model): Candidate => {
    const estimatedCostUsd = estimateCostUsd(model, profile);
    const estimatedLatencyMs = latency.expectedTotalMs(model, profile.outputTokens);
    const predictedQuality = round(predicted(model));
    return { model, score: 0, predictedQuality, estimatedCostUsd, estimatedLatencyMs };
  });
  const best = Math.max(...candidates.map((candidate) => candidate.predictedQuality!));
  const qualityFloor = best * (1 - autoTolerance[priority]);
  for (const candidate of candidates) {
    const withinTolerance = candidate.predictedQuality! >= qualityFloor;
    const saving = priority === 'latency' ? -candidate.estimatedLatencyMs : -candidate.estimatedCostUsd;
    // Within tolerance, the saving decides; below it, the predicted quality (the best fallback first).
    candidate.score = withinTolerance ? 2 + saving / (1 + Math.abs(saving)) : candidate.predictedQuality!;
  }
  candidates.sort((a, b) => preference(b.model) - preference(a.model) || b.score - a.score || b.model.quality - a.model.quality || a.estimatedCostUsd - b.estimatedCostUsd);
  return { strategy: 'auto', candidates, rejected, reason: explain(candidates[0]!) };

  function preference(model: ModelInfo): number {
    return preferred.has(model.provider) ? 1 : 0;
  }

  function explain(winner: Candidate): string {
    const needs = [profile.needsTools && 'tools', profile.needsVision && 'vision', profile.needsJson && 'JSON mode'].filter(Boolean);
    const what = priority === 'latency' ? 'fastest' : 'cheapest';
    const among = preferred.has(winner.model.provider) ? ' of the preferred providers' : '';
    const capable = needs.length > 0 ? ` with ${needs.join(', ')}` : '';
    const minimum = hints.min_quality_score === undefined ? '' : ` at predicted quality >= ${hints.min_quality_score}`;
    const tolerance = `predicted quality ${winner.predictedQuality} within ${autoTolerance[priority] * 100}% of the best (${round(best)})`;
    return `${what} model${among}${capable}${minimum} with ${tolerance} out of ${candidates.length} eligible (${rejected.length} set aside)`;
  }
}

export function noModel(rejectedCount: number): InvalidRequestError {
  return new InvalidRequestError(`No model meets this request's needs and hints (${rejectedCount} models set aside); relax the hints or configure another provider.`, {
    code: 'no_eligible_model',
    param: 'model',
  });
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
