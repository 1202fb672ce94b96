import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { resolveAttemptPolicy, type AttemptPolicy, type AttemptPolicyOptions } from './attempt-policy.js';
import type { BreakerStore, CircuitState } from './breaker-store.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import type { HedgingPolicy } from './hedging.js';

/** How the engine survives failing models: attempt policy, circuit breakers and where their state lives. */
export interface ResilienceOptions {
  /** Timeouts, the default deadline, retries and backoff of every call. */
  attempts?: AttemptPolicyOptions;
  /** Fallback chains of explicitly requested models, e.g. `{ 'openai/gpt-4.1': ['anthropic/claude-sonnet-4-5'] }`; without one an explicit model gets no other (unless the request sends `x-fallback-chain`). */
  fallbacks?: Record<string, string[]>;
  /** Thresholds of the circuit breaker per endpoint; `false` turns breakers off. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Where breaker state lives: process memory by default; `createRedisBreakerStore()` shares it between instances. */
  breakerStore?: BreakerStore;
  /**
   * Hedging for requests with `priority: "latency"`: when the first model has sent no first token
   * after its p95, the second candidate starts too; the first to answer wins, the other is cancelled
   * and not billed in the receipt (a provider may still bill the tokens it generated). Off by default.
   */
  hedging?: HedgingPolicy | boolean;
  /** Told when a breaker opens, goes half-open or closes (e.g. `createWebhookNotifier(...).serviceStatus`). */
  onBreakerStateChange?: (endpoint: string, from: CircuitState, to: CircuitState) => void;
  /** The breakers' clock in epoch ms; tests pass their own. */
  now?: () => number;
  /** Source of the backoff jitter in [0, 1); tests pass their own. */
  random?: () => number;
}

const milliseconds = z.number().int().positive();
const share = z.number().positive().max(1);
const attemptsSchema = z.strictObject({
  attemptTimeoutMs: milliseconds.optional(),
  firstTokenTimeoutMs: milliseconds.optional(),
  deadlineMs: milliseconds.optional(),
  maxDeadlineMs: milliseconds.optional(),
  retries: z.number().int().min(0).max(10).optional(),
  backoffBaseMs: z.number().int().min(0).optional(),
  backoffMaxMs: z.number().int().min(0).optional(),
  maxRetryAfterMs: z.number().int().min(0).optional(),
});
const breakerSchema = z.strictObject({
  windowMs: milliseconds.optional(),
  minimumCalls: z.number().int().positive().optional(),
  failureRateThreshold: share.optional(),
  slowCallMs: milliseconds.optional(),
  slowCallRateThreshold: share.optional(),
  consecutiveTimeouts: z.number().int().min(0).optional(),
  openMs: milliseconds.optional(),
  halfOpenProbes: z.number().int().positive().optional(),
  refreshMs: z.number().int().min(0).optional(),
});
const optionsSchema = z.strictObject({
  attempts: attemptsSchema.optional(),
  fallbacks: z.record(z.string(), z.array(z.string()).min(1).max(8)).optional(),
  circuitBreaker: z.union([z.literal(false), breakerSchema]).optional(),
  hedging: z.union([z.boolean(), z.strictObject({ minimumSamples: z.number().int().positive().optional(), quantile: z.number().positive().max(1).optional() })]).optional(),
  breakerStore: z.custom<BreakerStore>((value) => typeof value === 'object' && value !== null && typeof (value as BreakerStore).admit === 'function', 'must be a BreakerStore').optional(),
  onBreakerStateChange: z.function().optional(),
  now: z.function().optional(),
  random: z.function().optional(),
});

/** The resolved parts the engine runs with. */
export interface Resilience {
  policy: AttemptPolicy;
  breaker: CircuitBreaker | undefined;
  random: (() => number) | undefined;
  hedging: HedgingPolicy | undefined;
}

/** Validates the options strictly (a misspelled key is an error naming it) and builds the breaker. */
export function createResilience(options: ResilienceOptions = {}): Resilience {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ['resilience', ...issue.path.map(String), ...(issue.code === 'unrecognized_keys' ? [issue.keys[0]!] : [])].join('.');
    const what = issue.code === 'unrecognized_keys' ? 'is not an option' : issue.code === 'invalid_type' ? `must be ${issue.expected}` : 'is out of range';
    throw new ConfigurationError(`${path} ${what}.`, { key: path });
  }
  const policy = resolveAttemptPolicy(options.attempts);
  if (policy.deadlineMs > policy.maxDeadlineMs) throw new ConfigurationError('resilience.attempts.deadlineMs must not exceed maxDeadlineMs.', { key: 'resilience.attempts.deadlineMs' });
  const breaker =
    options.circuitBreaker === false
      ? undefined
      : new CircuitBreaker({ ...(options.circuitBreaker && { options: options.circuitBreaker }), ...(options.breakerStore && { store: options.breakerStore }), ...(options.now && { now: options.now }), ...(options.onBreakerStateChange && { onStateChange: options.onBreakerStateChange }) });
  const hedging = options.hedging === true ? {} : options.hedging === false ? undefined : options.hedging;
  return { policy, breaker, random: options.random, hedging };
}
