import { describe, expect, it } from 'vitest';
import { BudgetExceededError, ProviderFailedError, type ProviderFailure } from '../errors.js';
import { backoffDelayMs, defaultAttemptPolicy } from './attempt-policy.js';
import { decideAfterFailure } from './failure-decision.js';

const failure = (kind: ProviderFailure, status: number | null = null, retryAfterSeconds: number | null = null) =>
  new ProviderFailedError('failed', { provider: 'openai', model: 'openai/gpt-4.1', failure: kind, upstreamStatus: status, retryAfterSeconds });
const context = { policy: defaultAttemptPolicy, retriesDone: 0, hasNext: true, remainingMs: 60_000, random: () => 0.5 };

describe('decideAfterFailure', () => {
  it.each<[string, ProviderFailure, number | null]>([
    ['a 5xx', 'server_error', 500],
    ['a reset', 'connection', null],
    ['an unreadable body', 'bad_response', 200],
  ])('retries %s on the same model with a jittered backoff, then moves on', (_name, kind, status) => {
    expect(decideAfterFailure(failure(kind, status), context)).toEqual({ action: 'retry', waitMs: 50, wait: 'backoff' });
    expect(decideAfterFailure(failure(kind, status), { ...context, retriesDone: defaultAttemptPolicy.retries })).toEqual({ action: 'next' });
    expect(decideAfterFailure(failure(kind, status), { ...context, retriesDone: defaultAttemptPolicy.retries, hasNext: false })).toEqual({ action: 'stop' });
  });

  it('moves on from a timeout at once when another candidate is left, and retries it only on the last one', () => {
    expect(decideAfterFailure(failure('timeout'), context)).toEqual({ action: 'next' });
    expect(decideAfterFailure(failure('timeout'), { ...context, hasNext: false })).toEqual({ action: 'retry', waitMs: 50, wait: 'backoff' });
    expect(decideAfterFailure(failure('timeout'), { ...context, hasNext: false, retriesDone: defaultAttemptPolicy.retries })).toEqual({ action: 'stop' });
  });

  it('does not wait past the deadline', () => {
    expect(decideAfterFailure(failure('server_error', 500), { ...context, remainingMs: 10 })).toEqual({ action: 'next' });
  });

  it('moves on from a 429 when another candidate is left, and waits out Retry-After on the last one when it fits', () => {
    expect(decideAfterFailure(failure('rate_limited', 429, 2), context)).toEqual({ action: 'next' });
    expect(decideAfterFailure(failure('rate_limited', 429, 2), { ...context, hasNext: false })).toEqual({ action: 'retry', waitMs: 2000, wait: 'retry_after' });
    expect(decideAfterFailure(failure('rate_limited', 429, 60), { ...context, hasNext: false })).toEqual({ action: 'stop' });
    expect(decideAfterFailure(failure('rate_limited', 429, 2), { ...context, hasNext: false, remainingMs: 1500 })).toEqual({ action: 'stop' });
    expect(decideAfterFailure(failure('rate_limited', 429), { ...context, hasNext: false })).toEqual({ action: 'retry', waitMs: 50, wait: 'backoff' });
  });

  it('never retries a 4xx; only provider-specific ones (401, 403, 404, 413) go to the next candidate', () => {
    expect(decideAfterFailure(failure('client_error', 400), context)).toEqual({ action: 'stop' });
    expect(decideAfterFailure(failure('client_error', 422), context)).toEqual({ action: 'stop' });
    expect(decideAfterFailure(failure('client_error', 401), context)).toEqual({ action: 'next' });
    expect(decideAfterFailure(failure('client_error', 404), { ...context, hasNext: false })).toEqual({ action: 'stop' });
  });

  it('skips a candidate over budget, and stops on errors that are not the provider\'s', () => {
    expect(decideAfterFailure(new BudgetExceededError('over', { limit: 'daily', limitUsd: 1, spentUsd: 1 }), context)).toEqual({ action: 'next' });
    expect(decideAfterFailure(new TypeError('bug'), context)).toEqual({ action: 'stop' });
  });
});

describe('backoffDelayMs', () => {
  it('is full jitter under an exponential ceiling capped at backoffMaxMs', () => {
    const policy = { backoffBaseMs: 100, backoffMaxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, policy, () => 0.999999))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });
});
