import { RateLimitedError, StoreUnavailableError } from '../../errors.js';
import type { EngineMiddleware } from '../../pipeline/engine-middleware.js';
import type { Exchange } from '../../pipeline/exchange.js';
import { estimateTokens, requestCharacters, weightedCharacters } from '../../routing/request-profile.js';
import type { CounterReservation, CounterStore } from '../../stores/counter-store.js';
import { createMemoryCounterStore } from '../../stores/memory-counter-store.js';
import { describeScope, keyPart, rulesFor, type LimitContext, type LimitScope, type ScopedLimits } from './limit-scopes.js';
import { parseOptions } from '../parse-options.js';
import { rateLimitOptionFields, rateLimitRuleSchema, scopedSchema } from './limit-schemas.js';
import { ttlOf, windowOf } from './limit-window.js';
import { setRateLimitHeaders, type CounterView } from './rate-limit-headers.js';
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

interface PlannedCounter {
  reservation: CounterReservation;
  scope: LimitScope;
  id: string;
  measure: (typeof measures)[number];
  resetAt: number;
}

function plan(exchange: Exchange, options: RateLimitOptions, prefix: string, tokens: number, now: number): PlannedCounter[] {
  const planned: PlannedCounter[] = [];
  for (const { scope, id, rule } of rulesFor(exchange, options)) {
    for (const measure of measures) {
      const limit = rule[measure.field];
      if (limit === undefined) continue;
      const window = windowOf(measure.period, now);
      planned.push({
        reservation: { key: `${prefix}:${scope}:${keyPart(id)}:${measure.name}:${window.id}`, amount: measure.kind === 'tokens' ? tokens : 1, limit, ttlMs: ttlOf(window, now) },
        scope,
        id,
        measure,
        resetAt: window.end,
      });
    }
  }
  return planned;
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

  return {
    name: 'rate-limit',
    async wrapRequest(exchange, next) {
      const now = clock();
      // The same estimate as routing's (CJK weighted by bytes): a TPM limit counts tokens as providers do, roughly.
      const promptTokens = estimateTokens(requestCharacters(exchange.request, weightedCharacters));
      const estimate = promptTokens + (exchange.request.max_completion_tokens ?? exchange.request.max_tokens ?? defaultMaxTokens);
      const planned = plan(exchange, options, prefix, estimate, now);
      if (planned.length === 0) return next();

      let outcome;
      try {
        outcome = await store.reserve(planned.map((counter) => counter.reservation));
      } catch (error) {
        if (error instanceof RangeError) throw error;
        if (options.onStoreFailure !== 'closed') return next();
        throw new StoreUnavailableError('Rate limits cannot be checked right now because the shared store is unavailable; retry shortly.', {
          feature: 'rate_limits',
          retryAfterSeconds: error instanceof StoreUnavailableError ? error.retryAfterSeconds : 1,
          cause: error,
        });
      }
      const views = (kind: 'requests' | 'tokens'): CounterView[] =>
        planned.flatMap((counter, index) => (counter.measure.kind === kind ? [{ snapshot: outcome.counters[index]!, resetAt: counter.resetAt }] : []));
      setRateLimitHeaders(exchange.responseHeaders, views('requests'), views('tokens'), now);
      exchange.receipt.limits = {
        ...exchange.receipt.limits,
        ...Object.fromEntries(planned.map((counter, index) => [`${counter.scope}.${counter.measure.name}`, { limit: counter.reservation.limit, remaining: outcome.counters[index]!.remaining }])),
      };
      if (outcome.allowed && options.onWarning !== undefined) {
        const counters = planned.map((counter, index) => ({ scope: counter.scope, id: counter.id, limit: counter.measure.name, limitValue: counter.reservation.limit, amount: counter.reservation.amount, total: outcome.counters[index]!.total, resetAt: counter.resetAt }));
        for (const warning of crossedRateLimitWarnings(counters)) options.onWarning(warning, exchange.tenant);
      }
      if (!outcome.allowed) {
        const refused = planned[outcome.refusedIndex]!;
        const retryAfterSeconds = Math.max(1, Math.ceil((refused.resetAt - now) / 1000));
        const unit = refused.measure.name.replaceAll('_', ' ');
        throw new RateLimitedError(`Rate limit reached: ${refused.reservation.limit} ${unit} for ${describeScope(refused.scope, context)}. Retry in ${retryAfterSeconds} s.`, {
          limit: `${refused.scope}.${refused.measure.name}`,
          retryAfterSeconds,
        });
      }

      const tokenCounters = planned.filter((counter) => counter.measure.kind === 'tokens');
      const correct = async (usedTokens: number) => {
        // The engine's receipt holds the provider's usage even when the client's stream carries none.
        const counted = exchange.receipt.tokens.total > 0 ? exchange.receipt.tokens.total : usedTokens;
        const delta = counted - estimate;
        if (delta !== 0) await Promise.all(tokenCounters.map((counter) => store.adjust(counter.reservation.key, delta, counter.reservation.ttlMs)));
      };
      let result;
      try {
        result = await next();
      } catch (error) {
        // A refused or failed request used no tokens; its request count stays, as at OpenAI.
        await correct(0).catch(ignoreSettleFailure);
        throw error;
      }
      if (tokenCounters.length === 0) return result;
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
