import type { LimitScope } from './limit-scopes.js';

/** Sent when spend in a window crosses the alert threshold of a limit; once per window. */
export interface SpendAlert {
  type: 'spend_threshold';
  scope: LimitScope;
  /** The key id or tenant, `*` for global. */
  id: string;
  /** e.g. `daily_usd`. */
  limit: string;
  limit_usd: number;
  spent_usd: number;
  threshold_percent: number;
  /** The window's start, ISO 8601. */
  window_start: string;
}

/**
 * POSTs an alert as JSON and forgets it: an unreachable webhook must neither slow nor fail the
 * request that crossed the threshold.
 */
export function postAlert(url: string, alert: SpendAlert, timeoutMs: number): void {
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alert), signal: AbortSignal.timeout(timeoutMs) })
    .then((response) => response.body?.cancel())
    .catch(() => undefined);
}
