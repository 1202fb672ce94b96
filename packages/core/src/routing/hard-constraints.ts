import type { LatencyTracker } from '../catalog/latency-tracker.js';
import type { ModelInfo } from '../catalog/model-info.js';
import type { RejectedCandidate } from './routing-decision.js';
import type { RequestProfile } from './request-profile.js';
import type { RoutingHints } from './routing-hints.js';

export interface ConstraintResult {
  eligible: ModelInfo[];
  rejected: RejectedCandidate[];
}

/**
 * Sets aside the models that cannot serve this request at all (open circuit, capabilities,
 * context length, excluded providers, latency cap), before any strategy ranks the rest. `quality` gives the
 * quality to hold against `min_quality_score`: a scorer's prediction, or the catalog tier.
 */
export function applyHardConstraints(
  models: readonly ModelInfo[],
  profile: RequestProfile,
  hints: RoutingHints,
  latency: LatencyTracker,
  quality: (model: ModelInfo) => number = (model) => model.quality,
): ConstraintResult {
  const eligible: ModelInfo[] = [];
  const rejected: RejectedCandidate[] = [];
  const excluded = new Set(hints.exclude_providers ?? []);
  const excludedModels = new Set(hints.exclude_models ?? []);
  for (const model of models) {
    const reason = rejection(model);
    if (reason === undefined) eligible.push(model);
    else rejected.push({ model, reason });
  }
  return { eligible, rejected };

  function rejection(model: ModelInfo): string | undefined {
    // An open circuit breaker (see resilience/): the model failed recently and is resting.
    const unavailable = latency.unavailableReason(model.id);
    if (unavailable !== undefined) return unavailable;
    if (excluded.has(model.provider)) return 'provider excluded by hints';
    if (excludedModels.has(model.id)) return 'model not allowed for this key or tenant';
    if (profile.needsTools && !model.capabilities.tools) return 'no tool support';
    if (profile.needsVision && !model.capabilities.vision) return 'no image input';
    if (profile.needsJson && !model.capabilities.jsonMode) return 'no JSON mode';
    if (profile.inputTokens + (profile.maxOutputTokens ?? 0) > model.contextWindow) return 'prompt too long for the context window';
    if (profile.maxOutputTokens !== null && profile.maxOutputTokens > model.maxOutputTokens) return 'max_tokens above the model limit';
    if (hints.max_latency_ms !== undefined && latency.expectedTotalMs(model, profile.outputTokens) > hints.max_latency_ms) return 'expected latency above max_latency_ms';
    if (hints.min_quality_score !== undefined && quality(model) < hints.min_quality_score) return 'quality below min_quality_score';
    return undefined;
  }
}
