import type { ObjectiveWeights } from './model-selector.js';
import { noModel } from './auto-strategy.js';
import { costPenalties } from './cost-penalty.js';
import { applyHardConstraints } from './hard-constraints.js';
import type { PromptQuality } from './prompt-quality.js';
import type { Candidate, RoutingDecision } from './routing-decision.js';
import { estimateCostUsd, type RoutingContext } from './routing-context.js';

export interface WeightedSelection {
  weights: ObjectiveWeights;
  /** Only these models (catalog ids or names the catalog resolves). */
  models?: string[];
  /** Only these providers. */
  providers?: string[];
}

/**
 * `router@q:…|c:…|t:…|i:…`: ranks the candidates left after the filters and the hard constraints by
 * q * predicted quality - c * cost - t * time to first token - i * inter-token latency: cost on a log
 * scale from the cheapest (0) to the dearest candidate (1), latencies divided by their largest value.
 * Latencies are the live ones of `Router.latency` when measured, else the catalog's.
 */
export function weightedStrategy(context: RoutingContext, selection: WeightedSelection, quality: PromptQuality, name: string): RoutingDecision {
  const { catalog, profile, hints, latency } = context;
  const named = selection.models === undefined ? undefined : new Set(selection.models.map((model) => catalog.resolve(model).id));
  const providers = selection.providers === undefined ? undefined : new Set(selection.providers);
  const pool = catalog.routable().filter((model) => (named === undefined || named.has(model.id)) && (providers === undefined || providers.has(model.provider)));
  const { eligible, rejected } = applyHardConstraints(pool, profile, hints, latency, quality);
  if (eligible.length === 0) throw noModel(rejected.length + catalog.routable().length - pool.length);

  const rows = eligible.map((model) => ({
    model,
    quality: quality(model),
    cost: estimateCostUsd(model, profile),
    firstToken: latency.expectedTimeToFirstTokenMs(model),
    interToken: latency.expectedInterTokenMs(model),
  }));
  const largest = (pick: (row: (typeof rows)[number]) => number) => Math.max(...rows.map(pick)) || 1;
  const penalties = costPenalties(rows.map((row) => row.cost));
  const maxFirstToken = largest((row) => row.firstToken);
  const maxInterToken = largest((row) => row.interToken);
  const { weights } = selection;
  const candidates = rows.map((row, index): Candidate => ({
    model: row.model,
    score: weights.quality * row.quality - weights.cost * penalties[index]! - weights.timeToFirstToken * (row.firstToken / maxFirstToken) - weights.interToken * (row.interToken / maxInterToken),
    predictedQuality: row.quality,
    estimatedCostUsd: row.cost,
    estimatedLatencyMs: latency.expectedTotalMs(row.model, profile.outputTokens),
  }));
  candidates.sort((a, b) => b.score - a.score || a.estimatedCostUsd - b.estimatedCostUsd);
  const winner = candidates[0]!;
  return {
    strategy: name,
    candidates,
    rejected,
    reason: `best objective ${winner.score.toFixed(3)} (predicted quality ${winner.predictedQuality!.toFixed(3)}) out of ${candidates.length} candidates`,
  };
}

