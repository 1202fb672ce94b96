/**
 * What the engine keeps of a routed request so that a later outcome can train the router: the
 * router's own prompt features (hashed, never the text), who routed it and what each model would
 * have cost. Feedback adds scores to it.
 */
export interface PreparedOutcome {
  request_id: string;
  tenant: string;
  /** When the request was routed, ISO 8601. */
  time: string;
  /** The `default` router that decided (`shipped`, or `learned-v<N>`): whose prediction `routed_score` is. */
  router_version: string;
  /** That router's strong-win probability for this prompt, so the guard can judge it without the text. */
  routed_score: number;
  /** Which featurizer wrote `features` (see `outcomeFeaturizerKey`). */
  featurizer: string;
  /** The prompt's features, raw (not standardised), encoded by `encodeSparseFeatures`. */
  features: string;
  /** The models routing ranked, winner first. */
  models: string[];
  /** The estimated cost of this request on each ranked model, in USD. */
  costs: Record<string, number>;
  /** The model that answered, or null when none did. */
  winner: string | null;
}

/** A stored outcome: what was prepared (when it was) and the scores feedback gave, by model. */
export interface StoredOutcome extends Omit<PreparedOutcome, 'routed_score' | 'featurizer' | 'features' | 'router_version'> {
  router_version: string | null;
  routed_score: number | null;
  featurizer: string | null;
  /** Null when the request was not routed by the `default` router (an explicit model), or learning was off then. */
  features: string | null;
  /** Quality of each model's answer, 0..1, as feedback gave it. */
  scores: Record<string, number>;
  /** When the last feedback arrived, ISO 8601. */
  scored_at: string | null;
}

/** One piece of feedback, after validation and tenant checks. */
export interface OutcomeFeedback {
  request_id: string;
  tenant: string;
  /** The model whose answer is scored. */
  model: string;
  score: number;
  /** What the receipt knew, for a request that was never prepared (explicit model, learning off then). */
  receipt: { time: string; models: string[]; costs: Record<string, number>; winner: string | null };
}

/**
 * Where outcomes live: process memory (`MemoryOutcomeStore`) in an app, the gateway's SQL database
 * (`createSqlOutcomeStore` in `@routekit/operations`) when instances share one.
 */
export interface OutcomeStore {
  /** Keeps a routed request's features until feedback comes; off the request path, may batch. */
  prepare(outcome: PreparedOutcome): Promise<void>;
  /** Stores a score for one model of one request; a second score for the same model replaces the first (`replaced: true`). */
  record(feedback: OutcomeFeedback): Promise<{ replaced: boolean }>;
  /** Outcomes with at least one score, oldest first (training reads them all): the newest `limit`, of one tenant or all. */
  scored(options?: ScoredOutcomeQuery): Promise<StoredOutcome[]>;
}

export interface ScoredOutcomeQuery {
  /** At most this many, the newest. */
  limit?: number;
  /** Only this tenant's outcomes; default every tenant's (the router serves them all). */
  tenant?: string;
}
