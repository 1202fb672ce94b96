import type { CounterSnapshot } from '../../stores/counter-store.js';

/** A counter as the headers see it: its snapshot plus when its window ends. */
export interface CounterView {
  snapshot: CounterSnapshot;
  resetAt: number;
}

/** OpenAI's duration format for reset headers: `1s`, `6m0s`, `1h2m3s`. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (hours > 0) return `${hours}h${minutes}m${rest}s`;
  if (minutes > 0) return `${minutes}m${rest}s`;
  return `${rest}s`;
}

/** The counter with the least room left: the one a client should pace itself by. */
export function tightest(views: readonly CounterView[]): CounterView | undefined {
  let best: CounterView | undefined;
  for (const view of views) {
    if (best === undefined || view.snapshot.remaining < best.snapshot.remaining) best = view;
  }
  return best;
}

/**
 * Sets OpenAI's `x-ratelimit-*-requests` and `-tokens` headers and the plain `X-RateLimit-*` ones
 * (which follow the request limit; `X-RateLimit-Reset` is the window's end as a Unix time in seconds,
 * as seed 002 shows it: `X-RateLimit-Reset: 1704067260`).
 */
export function setRateLimitHeaders(headers: Record<string, string>, requests: readonly CounterView[], tokens: readonly CounterView[], now: number): void {
  setTightestRateLimitHeaders(headers, tightest(requests), tightest(tokens), now);
}

/** `setRateLimitHeaders` for a caller that found the tightest request and token counters itself. */
export function setTightestRateLimitHeaders(headers: Record<string, string>, request: CounterView | undefined, token: CounterView | undefined, now: number): void {
  if (request !== undefined) {
    headers['x-ratelimit-limit-requests'] = String(request.snapshot.limit);
    headers['x-ratelimit-remaining-requests'] = String(request.snapshot.remaining);
    headers['x-ratelimit-reset-requests'] = formatDuration(request.resetAt - now);
    headers['X-RateLimit-Limit'] = String(request.snapshot.limit);
    headers['X-RateLimit-Remaining'] = String(request.snapshot.remaining);
    headers['X-RateLimit-Reset'] = String(Math.ceil(request.resetAt / 1000));
  }
  if (token !== undefined) {
    headers['x-ratelimit-limit-tokens'] = String(token.snapshot.limit);
    headers['x-ratelimit-remaining-tokens'] = String(token.snapshot.remaining);
    headers['x-ratelimit-reset-tokens'] = formatDuration(token.resetAt - now);
  }
}
