/** Timeouts, deadline and retries of every call to a model; each option has a default. */
export interface AttemptPolicyOptions {
  /** Longest one call may take to return a whole JSON answer, in ms. Default 60,000 (the provider's own response timeout). */
  attemptTimeoutMs?: number;
  /** Longest one streamed call may take to send its first token, in ms. Default 20,000. */
  firstTokenTimeoutMs?: number;
  /** Overall deadline of a request (every attempt, every wait and the whole stream) when it names none, in ms. Default 300,000: long answers stream for minutes. */
  deadlineMs?: number;
  /** Largest deadline a request may ask for with `x-routekit-deadline-ms`, in ms. Default 900,000. */
  maxDeadlineMs?: number;
  /** Retries of the same model after a retryable failure, before the next candidate (a timeout is retried only on the last one). Default 3: at 20% transient faults, 4 tries leave 0.16% of requests failed where 3 left 0.8%. */
  retries?: number;
  /** Ceiling of the first backoff, doubled per retry; the wait is uniform in [0, ceiling] (full jitter). Default 100 ms. */
  backoffBaseMs?: number;
  /** Largest backoff ceiling, in ms. Default 2,000. */
  backoffMaxMs?: number;
  /** Longest `Retry-After` waited out on the same model; a longer one moves on to the next candidate. Default 5,000 ms. */
  maxRetryAfterMs?: number;
}

export type AttemptPolicy = Required<AttemptPolicyOptions>;

export const defaultAttemptPolicy: AttemptPolicy = {
  attemptTimeoutMs: 60_000,
  firstTokenTimeoutMs: 20_000,
  deadlineMs: 300_000,
  maxDeadlineMs: 900_000,
  retries: 3,
  backoffBaseMs: 100,
  backoffMaxMs: 2_000,
  maxRetryAfterMs: 5_000,
};

/** The policy with defaults filled in. */
export function resolveAttemptPolicy(options: AttemptPolicyOptions = {}): AttemptPolicy {
  return { ...defaultAttemptPolicy, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) };
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential backoff with full
 * jitter, uniform in [0, min(max, base * 2^(retry - 1))], so that clients failing together do not
 * retry together.
 */
export function backoffDelayMs(retry: number, policy: Pick<AttemptPolicy, 'backoffBaseMs' | 'backoffMaxMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(random() * ceiling);
}
