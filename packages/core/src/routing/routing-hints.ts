/** Hints that steer `auto` (and narrow every other strategy's candidates). */
export interface RoutingHints {
  /** What to optimise once the hard constraints hold. Default `cost`. */
  priority?: 'cost' | 'latency' | 'quality';
  /** Skip models whose expected total latency for this request is above this. */
  max_latency_ms?: number;
  /** Rank these providers' models first. */
  prefer_providers?: string[];
  /** Never use these providers. */
  exclude_providers?: string[];
  /** Never use these models (ids); set by key policies and tenant preferences before routing (see operations/access-policy). */
  exclude_models?: string[];
  /** Skip models whose (predicted) quality is below this, in 0..1. */
  min_quality_score?: number;
}
