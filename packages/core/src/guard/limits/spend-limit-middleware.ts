import { z } from 'zod';
import type { ChatRequest } from '../../chat/chat-request.js';
import type { ModelInfo } from '../../catalog/model-info.js';
import { BudgetExceededError } from '../../errors.js';
import type { EngineMiddleware } from '../../pipeline/engine-middleware.js';
import type { Attempt } from '../../pipeline/exchange.js';
import { estimateTokens, requestCharacters } from '../../routing/request-profile.js';
import type { CounterStore } from '../../stores/counter-store.js';
import { createMemoryCounterStore } from '../../stores/memory-counter-store.js';
import { describeScope, keyPart, rulesFor, type LimitScope, type ScopedLimits } from './limit-scopes.js';
import { parseOptions } from '../parse-options.js';
import { scopedSchema, spendPolicySchema } from './limit-schemas.js';
import { ttlOf, windowOf, type LimitWindow } from './limit-window.js';
import { postAlert, type SpendAlert } from './spend-alerts.js';
import { ignoreSettleFailure, trackStreamUsage, usageOfResponse } from './usage-tracking.js';

/** Spend limits of one scope in USD; a missing field is no limit. */
export interface SpendPolicy {
  limits: { daily_usd?: number; weekly_usd?: number; monthly_usd?: number; per_request_usd?: number };
  /** Alert once per window when spend passes `threshold_percent` of a limit. */
  alerts?: { threshold_percent: number; webhook_url?: string };
}

export interface SpendLimitOptions extends ScopedLimits<SpendPolicy> {
  /** Where spend counters live; share one Redis store between gateway instances. Default: in memory. */
  store?: CounterStore;
  /** The cap on output tokens reserved when a request sets no max_tokens (the model's own maximum otherwise); default 4096. */
  defaultMaxOutputTokens?: number;
  /** Called with every alert, besides the webhook. */
  onAlert?: (alert: SpendAlert) => void;
  /** How long a webhook POST may take; default 3000 ms. */
  webhookTimeoutMs?: number;
  /** Prepended to counter keys; default `spend`. */
  prefix?: string;
  /** The clock, epoch ms; tests pass a fixed one. */
  now?: () => number;
}

const optionsSchema = scopedSchema(spendPolicySchema).extend({
  defaultMaxOutputTokens: z.number().int().positive().optional(),
  webhookTimeoutMs: z.number().int().positive().optional(),
  prefix: z.string().min(1).optional(),
});

const periods = [
  { field: 'daily_usd', period: 'day' },
  { field: 'weekly_usd', period: 'week' },
  { field: 'monthly_usd', period: 'month' },
] as const;

/** Spend is counted in micro-dollars: integers add up exactly in every store. */
const micros = (usd: number) => Math.round(usd * 1_000_000);
const dollars = (amount: number) => amount / 1_000_000;
const formatUsd = (usd: number) => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;

/** Prices are per million tokens, so tokens times price is the cost in micro-dollars. */
function costMicros(model: ModelInfo, promptTokens: number, completionTokens: number): number {
  return Math.ceil(promptTokens * model.inputPricePerMillion + completionTokens * model.outputPricePerMillion);
}

function maxOutputTokens(request: ChatRequest, model: ModelInfo, cap: number): number {
  return request.max_completion_tokens ?? request.max_tokens ?? Math.min(model.maxOutputTokens, cap);
}

interface SpendCounter {
  key: string;
  ttlMs: number;
  limit: number;
  scope: LimitScope;
  id: string;
  name: string;
  window: LimitWindow;
  alerts: SpendPolicy['alerts'];
}

/**
 * Daily, weekly, monthly and per-request spend limits per API key, per tenant and global. Before
 * each attempt it reserves the worst case (input estimate and maximum output at the model's
 * prices) and settles the real cost after, so concurrent requests cannot overshoot a limit
 * together. A refusal is a BudgetExceededError (402): the engine then tries the next, often
 * cheaper, candidate.
 *
 * @example
 * const spend = createSpendLimitMiddleware({
 *   store: createRedisCounterStore(),
 *   perKey: { limits: { daily_usd: 5, per_request_usd: 0.5 }, alerts: { threshold_percent: 80, webhook_url: 'https://ops.example.com/hook' } },
 * });
 */
export function createSpendLimitMiddleware(options: SpendLimitOptions): EngineMiddleware {
  parseOptions(optionsSchema, options, 'spend limit');
  const store = options.store ?? createMemoryCounterStore();
  const prefix = options.prefix ?? 'spend';
  const cap = options.defaultMaxOutputTokens ?? 4096;
  const clock = options.now ?? Date.now;
  const timeoutMs = options.webhookTimeoutMs ?? 3000;

  async function alertIfCrossed(counter: SpendCounter, total: number): Promise<void> {
    const alerts = counter.alerts;
    if (alerts === undefined || total < (counter.limit * alerts.threshold_percent) / 100) return;
    // The store decides who alerts, so one window alerts once across every instance.
    const claim = await store.reserve([{ key: `${counter.key}:alerted`, amount: 1, limit: 1, ttlMs: counter.ttlMs }]);
    if (!claim.allowed) return;
    const alert: SpendAlert = {
      type: 'spend_threshold',
      scope: counter.scope,
      id: counter.id,
      limit: counter.name,
      limit_usd: dollars(counter.limit),
      spent_usd: dollars(total),
      threshold_percent: alerts.threshold_percent,
      window_start: new Date(counter.window.start).toISOString(),
    };
    if (alerts.webhook_url !== undefined) postAlert(alerts.webhook_url, alert, timeoutMs);
    options.onAlert?.(alert);
  }

  return {
    name: 'spend-limit',
    async wrapCall(attempt: Attempt, next) {
      const exchange = attempt.exchange;
      const rules = rulesFor(exchange, options);
      if (rules.length === 0) return next();
      const now = clock();
      const promptTokens = estimateTokens(requestCharacters(attempt.request));
      const reserved = costMicros(attempt.model, promptTokens, maxOutputTokens(attempt.request, attempt.model, cap));

      const spentByRequest = (exchange.state.get('spend.request_micros') as number | undefined) ?? 0;
      for (const { scope, rule } of rules) {
        const limit = rule.limits.per_request_usd;
        if (limit !== undefined && spentByRequest + reserved > micros(limit)) {
          throw new BudgetExceededError(`Spend limit per_request_usd of ${formatUsd(limit)} for ${describeScope(scope)} would be exceeded by ${attempt.model.id}.`, {
            limit: `${scope}.per_request_usd`,
            limitUsd: limit,
            spentUsd: dollars(spentByRequest),
          });
        }
      }

      const counters: SpendCounter[] = [];
      for (const { scope, id, rule } of rules) {
        for (const { field, period } of periods) {
          const limit = rule.limits[field];
          if (limit === undefined) continue;
          const window = windowOf(period, now);
          counters.push({ key: `${prefix}:${scope}:${keyPart(id)}:${field}:${window.id}`, ttlMs: ttlOf(window, now), limit: micros(limit), scope, id, name: field, window, alerts: rule.alerts });
        }
      }
      const outcome = await store.reserve(counters.map((counter) => ({ key: counter.key, amount: reserved, limit: counter.limit, ttlMs: counter.ttlMs })));
      if (!outcome.allowed) {
        const refused = counters[outcome.refusedIndex]!;
        throw new BudgetExceededError(`Spend limit ${refused.name} of ${formatUsd(dollars(refused.limit))} for ${describeScope(refused.scope)} would be exceeded by ${attempt.model.id}.`, {
          limit: `${refused.scope}.${refused.name}`,
          limitUsd: dollars(refused.limit),
          spentUsd: dollars(outcome.counters[outcome.refusedIndex]!.total),
        });
      }

      let settled = false;
      const settle = async (cost: number) => {
        if (settled) return;
        settled = true;
        exchange.state.set('spend.request_micros', ((exchange.state.get('spend.request_micros') as number | undefined) ?? 0) + cost);
        const totals = await Promise.all(counters.map((counter) => store.adjust(counter.key, cost - reserved, counter.ttlMs)));
        exchange.receipt.limits = {
          ...exchange.receipt.limits,
          ...Object.fromEntries(counters.map((counter, index) => [`${counter.scope}.${counter.name}`, { limit: dollars(counter.limit), remaining: dollars(Math.max(0, counter.limit - totals[index]!)) }])),
        };
        await Promise.all(counters.map((counter, index) => alertIfCrossed(counter, totals[index]!)));
      };

      let result;
      try {
        result = await next();
      } catch (error) {
        // A failed call is not billed; releasing the reservation lets the next candidate use it.
        await settle(0).catch(ignoreSettleFailure);
        throw error;
      }
      if (result.type === 'response') {
        const { usage } = usageOfResponse(result.response, promptTokens);
        await settle(costMicros(attempt.model, usage.prompt_tokens, usage.completion_tokens)).catch(ignoreSettleFailure);
        return result;
      }
      return { type: 'stream', stream: trackStreamUsage(result.stream, promptTokens, (usage) => settle(costMicros(attempt.model, usage.prompt_tokens, usage.completion_tokens))) };
    },
  };
}
