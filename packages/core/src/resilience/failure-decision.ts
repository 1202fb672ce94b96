import { BudgetExceededError, ProviderFailedError } from '../errors.js';
import type { AttemptPolicy } from './attempt-policy.js';
import { backoffDelayMs } from './attempt-policy.js';

/** What to do after a failed attempt. */
export type FailureDecision =
  | { action: 'retry'; waitMs: number; wait: 'backoff' | 'retry_after' }
  | { action: 'next' }
  | { action: 'stop' };

export interface FailureContext {
  policy: AttemptPolicy;
  /** Retries of this model already made (0 after its first attempt failed). */
  retriesDone: number;
  /** Whether another candidate is left to try. */
  hasNext: boolean;
  /** Time left before the request's deadline, in ms. */
  remainingMs: number;
  random?: () => number;
}

// 4xx answers that another provider may well accept: its own credentials, its own model list, its own size limits.
const providerSpecificStatuses = new Set([401, 403, 404, 413]);

/**
 * The retry policy. Retryable failures (5xx, resets, unreadable bodies) are retried on the same
 * model with backoff, then the next candidate takes over. A timeout moves straight on to the next
 * candidate when there is one: a model that accepts and never answers would otherwise cost a
 * whole timeout per retry; on the last candidate it is retried like a 5xx. A 429 moves straight on to the
 * next candidate when there is one (another model is faster than waiting); on the last one its
 * `Retry-After` is waited out when it fits the deadline and `maxRetryAfterMs`. A 4xx is not
 * retried: it goes to the next candidate only when another provider may answer differently (401,
 * 403, 404, 413), else the request stops, since the same request would fail the same way.
 */
export function decideAfterFailure(error: unknown, context: FailureContext): FailureDecision {
  if (error instanceof BudgetExceededError) return context.hasNext ? { action: 'next' } : { action: 'stop' };
  if (!(error instanceof ProviderFailedError)) return { action: 'stop' };
  if (error.failure === 'client_error') {
    return context.hasNext && providerSpecificStatuses.has(error.upstreamStatus ?? 0) ? { action: 'next' } : { action: 'stop' };
  }
  const { policy } = context;
  const canRetry = context.retriesDone < policy.retries;
  if (error.failure === 'timeout' && context.hasNext) return { action: 'next' };
  if (error.failure === 'rate_limited' || (error.upstreamStatus === 503 && error.retryAfterSeconds !== null)) {
    if (context.hasNext) return { action: 'next' };
    if (!canRetry) return { action: 'stop' };
    if (error.retryAfterSeconds !== null) {
      const waitMs = error.retryAfterSeconds * 1000;
      return waitMs <= policy.maxRetryAfterMs && waitMs < context.remainingMs ? { action: 'retry', waitMs, wait: 'retry_after' } : { action: 'stop' };
    }
  }
  if (canRetry) {
    const waitMs = backoffDelayMs(context.retriesDone + 1, policy, context.random);
    if (waitMs < context.remainingMs) return { action: 'retry', waitMs, wait: 'backoff' };
  }
  return context.hasNext ? { action: 'next' } : { action: 'stop' };
}
