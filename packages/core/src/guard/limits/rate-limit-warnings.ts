import type { LimitScope } from './limit-scopes.js';

/** Sent once per window when a rate-limit counter passes its warning share (80%) of the limit. */
export interface RateLimitWarning {
  scope: LimitScope;
  /** The key id or tenant, `*` for global. */
  id: string;
  /** e.g. `requests_per_minute`. */
  limit: string;
  limit_value: number;
  used: number;
  remaining: number;
  threshold_percent: number;
  /** When the window resets, ISO 8601. */
  reset_at: string;
}

/** The counters a reservation pushed across `thresholdPercent` of their limit: exactly one request per window crosses, across instances. */
export function crossedRateLimitWarnings(
  counters: ReadonlyArray<{ scope: RateLimitWarning['scope']; id: string; limit: string; limitValue: number; amount: number; total: number; resetAt: number }>,
  thresholdPercent = 80,
): RateLimitWarning[] {
  return counters.flatMap((counter) => {
    const mark = (counter.limitValue * thresholdPercent) / 100;
    const before = counter.total - counter.amount;
    if (counter.limitValue <= 0 || counter.amount <= 0 || !(before < mark && counter.total >= mark)) return [];
    return [{ scope: counter.scope, id: counter.id, limit: counter.limit, limit_value: counter.limitValue, used: counter.total, remaining: Math.max(0, counter.limitValue - counter.total), threshold_percent: thresholdPercent, reset_at: new Date(counter.resetAt).toISOString() }];
  });
}
