import type { ModelInfo } from '../catalog/model-info.js';

/** A model the strategy ranked, with the numbers behind its rank. */
export interface Candidate {
  model: ModelInfo;
  /** Higher ranks first. */
  score: number;
  /** Predicted quality in 0..1 for this prompt, when the strategy predicts one. */
  predictedQuality?: number;
  estimatedCostUsd: number;
  /** Expected latency of the whole answer, from live stats or the catalog. */
  estimatedLatencyMs: number;
}

/** A model the hard constraints set aside, and why. */
export interface RejectedCandidate {
  model: ModelInfo;
  reason: string;
}

/** What routing decided: ranked candidates (the first is the winner, the rest are fallbacks). */
export interface RoutingDecision {
  /** The strategy's name as the receipt shows it, e.g. `auto`, `router-lr-0.42`. */
  strategy: string;
  candidates: Candidate[];
  rejected: RejectedCandidate[];
  /** One sentence on why the winner won. */
  reason: string;
  /** The strong-win probability the decision rested on, for strategies that score the prompt (`auto`, `router-…`). */
  strongWinProbability?: number;
  /** When the `default` router decided (`auto`, `router-default-…`, RouteLLM's names): `shipped` or `learned-v<N>`. */
  routerVersion?: string;
}
