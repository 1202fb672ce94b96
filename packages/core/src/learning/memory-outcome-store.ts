import { LRUCache } from 'lru-cache';
import type { OutcomeFeedback, OutcomeStore, PreparedOutcome, ScoredOutcomeQuery, StoredOutcome } from './outcome.js';

export interface MemoryOutcomeStoreOptions {
  /** How many requests to keep (prepared or scored); the oldest go first. Default 10,000 (a few KB each). */
  maxOutcomes?: number;
}

/**
 * Outcomes in process memory, bounded: what an in-process app keeps by default. Feedback for a
 * request that has been evicted is still stored, without its features.
 *
 * @example
 * const outcomes = new MemoryOutcomeStore({ maxOutcomes: 5000 });
 */
export class MemoryOutcomeStore implements OutcomeStore {
  readonly #outcomes: LRUCache<string, StoredOutcome>;

  constructor(options: MemoryOutcomeStoreOptions = {}) {
    this.#outcomes = new LRUCache({ max: options.maxOutcomes ?? 10_000 });
  }

  async prepare(outcome: PreparedOutcome): Promise<void> {
    const existing = this.#outcomes.get(outcome.request_id);
    this.#outcomes.set(outcome.request_id, { ...outcome, scores: existing?.scores ?? {}, scored_at: existing?.scored_at ?? null });
  }

  async record(feedback: OutcomeFeedback): Promise<{ replaced: boolean }> {
    const existing = this.#outcomes.get(feedback.request_id) ?? unprepared(feedback);
    if (existing.tenant !== feedback.tenant) throw new Error('An outcome of another tenant has this request id.');
    const replaced = Object.hasOwn(existing.scores, feedback.model);
    this.#outcomes.set(feedback.request_id, { ...existing, scores: { ...existing.scores, [feedback.model]: feedback.score }, scored_at: new Date().toISOString() });
    return { replaced };
  }

  async scored(options: ScoredOutcomeQuery = {}): Promise<StoredOutcome[]> {
    const found = [...this.#outcomes.values()].filter((outcome) => outcome.scored_at !== null && (options.tenant === undefined || outcome.tenant === options.tenant)).reverse();
    return options.limit === undefined ? found : found.slice(-options.limit);
  }
}

/** The row of a request that was never prepared: what its receipt says, no features. */
export function unprepared(feedback: OutcomeFeedback): StoredOutcome {
  const { receipt } = feedback;
  return { request_id: feedback.request_id, tenant: feedback.tenant, time: receipt.time, router_version: null, routed_score: null, featurizer: null, features: null, models: receipt.models, costs: receipt.costs, winner: receipt.winner, scores: {}, scored_at: null };
}
