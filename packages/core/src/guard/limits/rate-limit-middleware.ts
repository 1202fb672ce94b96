import { RateLimitedError, StoreUnavailableError } from '../../errors.js';
import type { EngineMiddleware } from '../../pipeline/engine-middleware.js';
import type { Exchange } from '../../pipeline/exchange.js';
import { estimateTokens, requestCharacters, weightedCharacters } from '../../routing/request-profile.js';
import type { CounterReservation, CounterStore } from '../../stores/counter-store.js';
import { createMemoryCounterStore } from '../../stores/memory-counter-store.js';
import { createCounterKeys } from './counter-keys.js';
import { compileScopedRules, describeScope, type LimitContext, type LimitScope, type ScopedLimits } from './limit-scopes.js';
import { parseOptions } from '../parse-options.js';
import { rateLimitOptionFields, rateLimitRuleSchema, scopedSchema } from './limit-schemas.js';
import { ttlOf } from './limit-window.js';
import { setTightestRateLimitHeaders, type CounterView } from './rate-limit-headers.js';
import { ignoreSettleFailure, trackStreamUsage, usageOfResponse } from './usage-tracking.js';
import { crossedRateLimitWarnings, type RateLimitWarning } from './rate-limit-warnings.js';

/** The limits of one scope; a missing field is no limit. */
export interface RateLimitRule {
  requestsPerMinute?: number;
  /** Tokens per minute: the request's estimate is reserved up front, then corrected by real usage. */
  tokensPerMinute?: number;
  requestsPerDay?: number;
}

export interface RateLimitOptions extends ScopedLimits<RateLimitRule> {
  /** Where counters live; share one Redis store between gateway instances. Default: in memory. */
  store?: CounterStore;
  /** Completion tokens assumed for the TPM estimate when the request sets no max_tokens; default 1024. */
  defaultMaxTokens?: number;
  /** Prepended to counter keys; default `rl`. */
  prefix?: string;
  /**
   * When the store does not answer: `open` (default) lets requests through uncounted, since a
   * rate limit protects capacity and a short outage should not take the API down with it;
   * `closed` refuses them with 503 `store_unavailable`.
   */
  onStoreFailure?: 'open' | 'closed';
  /** The clock, epoch ms; tests pass a fixed one. */
  now?: () => number;
  /** Called once per window when a counter passes 80% of its limit (the `rate_limit.warning` webhook). */
  onWarning?: (warning: RateLimitWarning, tenant: string) => void;
}

const optionsSchema = scopedSchema(rateLimitRuleSchema).extend(rateLimitOptionFields);

const measures = [
  { field: 'requestsPerMinute', name: 'requests_per_minute', period: 'minute', kind: 'requests' },
  { field: 'requestsPerDay', name: 'requests_per_day', period: 'day', kind: 'requests' },
  { field: 'tokensPerMinute', name: 'tokens_per_minute', period: 'minute', kind: 'tokens' },
] as const;

type Measure = (typeof measures)[number];

/** One limit of a configured rule, as a request reads it: compiled once from the rule. */
interface RuleLimit {
  measure: Measure;
  limit: number;
  /** `${scope}.${measure.name}`, as receipts and refusals name it. */
  limitName: string;
}

/** The limits a rule sets, in the order of `measures`; those it leaves out are not read again. */
function ruleLimits(rule: RateLimitRule, scope: LimitScope): RuleLimit[] {
  const limits: RuleLimit[] = [];
  for (const measure of measures) {
    const limit = rule[measure.field];
    if (limit !== undefined) limits.push({ measure, limit, limitName: `${scope}.${measure.name}` });
  }
  return limits;
}

interface PlannedCounter {
  scope: LimitScope;
  id: string;
  ruleLimit: RuleLimit;
  resetAt: number;
}

/**
 * Requests per minute and per day and tokens per minute, per API key, per tenant and global, with
 * OpenAI's rate-limit headers; refusals are 429 with `retryAfterSeconds`. Counters live in a
 * `CounterStore`, so instances sharing a Redis store share the limits.
 *
 * @example
 * const rateLimit = createRateLimitMiddleware({ store: createRedisCounterStore(), perKey: { requestsPerMinute: 60, tokensPerMinute: 100_000 } });
 */
export function createRateLimitMiddleware(options: RateLimitOptions, context: LimitContext = {}): EngineMiddleware {
  parseOptions(optionsSchema, options, 'rate limit');
  const store = options.store ?? createMemoryCounterStore();
  const prefix = options.prefix ?? 'rl';
  const defaultMaxTokens = options.defaultMaxTokens ?? 1024;
  const clock = options.now ?? Date.now;
  const keys = createCounterKeys(prefix);
  const rulesFor = compileScopedRules(options, ruleLimits);

  return {
    name: 'rate-limit',
    async wrapRequest(exchange, next) {
      const rules = rulesFor(exchange);
      const now = clock();
      // Tokens are estimated only when a tokens-per-minute limit applies: the estimate is a pass over the prompt's text.
      let promptTokens = -1;
      let estimate = 0;
      // Two arrays side by side: the store reads the reservations, the answer the rest.
      const reservations: CounterReservation[] = [];
      const planned: PlannedCounter[] = [];
      let tokenReservations: CounterReservation[] | undefined;
      for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++) {
        const { scope, id, rule } = rules[ruleIndex]!;
        for (let limitIndex = 0; limitIndex < rule.length; limitIndex++) {
          const ruleLimit = rule[limitIndex]!;
          const { measure, limit } = ruleLimit;
          let amount = 1;
          if (measure.kind === 'tokens') {
            if (promptTokens < 0) {
              // The same estimate as routing's (CJK weighted by bytes): a TPM limit counts tokens as providers do, roughly.
              promptTokens = estimateTokens(requestCharacters(exchange.request, weightedCharacters));
              estimate = promptTokens + (exchange.request.max_completion_tokens ?? exchange.request.max_tokens ?? defaultMaxTokens);
            }
            amount = estimate;
          }
          const window = keys.window(measure.period, now);
          const reservation = { key: keys.key(scope, id, measure.name, window), amount, limit, ttlMs: ttlOf(window, now) };
          reservations.push(reservation);
          planned.push({ scope, id, ruleLimit, resetAt: window.end });
          if (measure.kind === 'tokens') (tokenReservations ??= []).push(reservation);
        }
      }
      if (planned.length === 0) return next();

      let outcome;
      try {
        outcome = await store.reserve(reservations);
      } catch (error) {
        if (error instanceof RangeError) throw error;
        if (options.onStoreFailure !== 'closed') return next();
        throw new StoreUnavailableError('Rate limits cannot be checked right now because the shared store is unavailable; retry shortly.', {
          feature: 'rate_limits',
          retryAfterSeconds: error instanceof StoreUnavailableError ? error.retryAfterSeconds : 1,
          cause: error,
        });
      }
      const snapshots = outcome.counters;
      // The headers follow the tightest request counter and the tightest token counter (the first of equals).
      let requests: CounterView | undefined;
      let tokens: CounterView | undefined;
      const limits: Record<string, { limit: number; remaining: number }> = exchange.receipt.limits === undefined ? {} : { ...exchange.receipt.limits };
      for (let index = 0; index < planned.length; index++) {
        const counter = planned[index]!;
        const snapshot = snapshots[index]!;
        if (counter.ruleLimit.measure.kind === 'requests') {
          if (requests === undefined || snapshot.remaining < requests.snapshot.remaining) requests = { snapshot, resetAt: counter.resetAt };
        } else if (tokens === undefined || snapshot.remaining < tokens.snapshot.remaining) tokens = { snapshot, resetAt: counter.resetAt };
        limits[counter.ruleLimit.limitName] = { limit: counter.ruleLimit.limit, remaining: snapshot.remaining };
      }
      setTightestRateLimitHeaders(exchange.responseHeaders, requests, tokens, now);
      exchange.receipt.limits = limits;
      if (outcome.allowed && options.onWarning !== undefined) {
        const counters = planned.map((counter, index) => ({ scope: counter.scope, id: counter.id, limit: counter.ruleLimit.measure.name, limitValue: counter.ruleLimit.limit, amount: reservations[index]!.amount, total: snapshots[index]!.total, resetAt: counter.resetAt }));
        for (const warning of crossedRateLimitWarnings(counters)) options.onWarning(warning, exchange.tenant);
      }
      if (!outcome.allowed) {
        const refused = planned[outcome.refusedIndex]!;
        const retryAfterSeconds = Math.max(1, Math.ceil((refused.resetAt - now) / 1000));
        const unit = refused.ruleLimit.measure.name.replaceAll('_', ' ');
        throw new RateLimitedError(`Rate limit reached: ${refused.ruleLimit.limit} ${unit} for ${describeScope(refused.scope, context)}. Retry in ${retryAfterSeconds} s.`, {
          limit: refused.ruleLimit.limitName,
          retryAfterSeconds,
        });
      }
      // Without a tokens-per-minute limit nothing is corrected once the answer's usage is known.
      if (tokenReservations === undefined) return next();
      const tokenCounters = tokenReservations;

      const correct = async (usedTokens: number): Promise<void> => {
        // The engine's receipt holds the provider's usage even when the client's stream carries none.
        const counted = exchange.receipt.tokens.total > 0 ? exchange.receipt.tokens.total : usedTokens;
        const delta = counted - estimate;
        if (delta === 0) return;
        // One tokens-per-minute counter is the common case: no Promise.all around it.
        if (tokenCounters.length === 1) await store.adjust(tokenCounters[0]!.key, delta, tokenCounters[0]!.ttlMs);
        else await Promise.all(tokenCounters.map((counter) => store.adjust(counter.key, delta, counter.ttlMs)));
      };
      let result;
      try {
        result = await next();
      } catch (error) {
        // A refused or failed request used no tokens; its request count stays, as at OpenAI.
        await correct(0).catch(ignoreSettleFailure);
        throw error;
      }
      if (result.type === 'response') {
        const { usage } = usageOfResponse(result.response, promptTokens);
        // Not awaited: the answer does not wait for a store round trip whose total it never reads. The
        // estimate stays counted until the correction lands, so the limit errs on the strict side.
        void correct(usage.prompt_tokens + usage.completion_tokens).catch(ignoreSettleFailure);
        return result;
      }
      return { type: 'stream', stream: trackStreamUsage(result.stream, promptTokens, (usage) => correct(usage.prompt_tokens + usage.completion_tokens)) };
    },
  };
}
