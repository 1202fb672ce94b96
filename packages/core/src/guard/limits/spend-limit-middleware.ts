import { BudgetExceededError, StoreUnavailableError } from '../../errors.js';
import type { EngineMiddleware } from '../../pipeline/engine-middleware.js';
import type { Attempt } from '../../pipeline/exchange.js';
import type { CounterReservation, CounterStore, ReserveOutcome } from '../../stores/counter-store.js';
import { createMemoryCounterStore } from '../../stores/memory-counter-store.js';
import { createCounterKeys } from './counter-keys.js';
import { compileScopedRules, describeScope, type LimitContext, type LimitScope, type ScopedLimits } from './limit-scopes.js';
import { parseOptions } from '../parse-options.js';
import { scopedSchema, spendLimitOptionFields, spendPolicySchema } from './limit-schemas.js';
import { ttlOf, type LimitWindow } from './limit-window.js';
import { promptTokenBound, type PromptTokenBoundOptions } from './prompt-token-bound.js';
import { postAlert, type SpendAlert } from './spend-alerts.js';
import { affordableOutputTokens, choicesOf, costMicros, dollars, formatUsd, micros, requestedOutputTokens, usageCostMicros, withOutputCap } from './spend-cost.js';
import { ignoreSettleFailure, trackStreamUsage, usageOfResponse, type SettledUsage } from './usage-tracking.js';

/** Spend limits of one scope in USD; a missing field is no limit. */
export interface SpendPolicy {
  limits: { daily_usd?: number; weekly_usd?: number; monthly_usd?: number; per_request_usd?: number };
  /** Alert once per window when spend passes `threshold_percent` of a limit. */
  alerts?: { threshold_percent: number; webhook_url?: string };
}

export interface SpendLimitOptions extends ScopedLimits<SpendPolicy> {
  /** Where spend counters live; share one Redis store between gateway instances. Default: in memory. */
  store?: CounterStore;
  /** The output cap sent upstream when a request sets no max_tokens. Default: the model's own maximum (the catalog's `maxOutputTokens`). */
  defaultMaxOutputTokens?: number;
  /** The fewest output tokens worth a call: below this (or the request's own max_tokens if lower) the budget left refuses with 402 instead of shortening the answer. Default 256. */
  minOutputTokens?: number;
  /** Tokens reserved per image in the prompt; default 1,600 (see `promptTokenBound`). */
  imageTokens?: number;
  /** When the store does not answer: `closed` (default) refuses with 503 `store_unavailable`; `open` calls the model without counting it. */
  onStoreFailure?: 'open' | 'closed';
  /** Called with every alert, besides the webhook. */
  onAlert?: (alert: SpendAlert) => void;
  /** How long a webhook POST may take; default 3000 ms. */
  webhookTimeoutMs?: number;
  /** Prepended to counter keys; default `spend`. */
  prefix?: string;
  /** The clock, epoch ms; tests pass a fixed one. */
  now?: () => number;
  /**
   * A model the catalog does not know (passed through to its provider) has no price, so its cost
   * cannot be bounded. `refuse` (default): a request a spend limit applies to gets 402 for it.
   * `{ maxCostPerRequestUsd }`: each call to it is reserved and counted at that amount, whatever it
   * really cost (the receipt says `price_unknown`); give such models a price in `models` instead
   * where you can.
   */
  unknownPrice?: UnknownPricePolicy;
}

/** How spend limits treat a model without a known price; see `SpendLimitOptions.unknownPrice`. */
export type UnknownPricePolicy = 'refuse' | { maxCostPerRequestUsd: number };

const optionsSchema = scopedSchema(spendPolicySchema).extend(spendLimitOptionFields);

/** How long a hold lasts for an exchange that carries no deadline (the engine's default deadline). */
const defaultHoldMs = 300_000;

const periods = [
  { field: 'daily_usd', period: 'day' },
  { field: 'weekly_usd', period: 'week' },
  { field: 'monthly_usd', period: 'month' },
] as const;

type SpendField = (typeof periods)[number]['field'];

/** A spend policy as a request reads it: compiled once from the configured one. */
interface CompiledPolicy {
  /** The window limits it sets, in the order of `periods`. */
  windows: Array<{ field: SpendField; period: (typeof periods)[number]['period']; limit: number; limitName: string }>;
  /** per_request_usd, in dollars (for messages) and micro-dollars. */
  perRequestUsd: number | undefined;
  perRequestMicros: number;
  alerts: SpendPolicy['alerts'];
}

function compilePolicy(policy: SpendPolicy, scope: LimitScope): CompiledPolicy {
  const windows: CompiledPolicy['windows'] = [];
  for (const { field, period } of periods) {
    const limit = policy.limits[field];
    if (limit !== undefined) windows.push({ field, period, limit: micros(limit), limitName: `${scope}.${field}` });
  }
  const perRequestUsd = policy.limits.per_request_usd;
  return { windows, perRequestUsd, perRequestMicros: perRequestUsd === undefined ? 0 : micros(perRequestUsd), alerts: policy.alerts };
}

interface SpendCounter {
  key: string;
  ttlMs: number;
  limit: number;
  scope: LimitScope;
  id: string;
  name: SpendField;
  limitName: string;
  window: LimitWindow;
  alerts: SpendPolicy['alerts'];
}

/** Whether `total` is at or past the counter's alert threshold (false without alerts). */
function crossesAlert(counter: SpendCounter, total: number): boolean {
  return counter.alerts !== undefined && total >= (counter.limit * counter.alerts.threshold_percent) / 100;
}

/**
 * Daily, weekly, monthly and per-request spend limits per API key, per tenant and global. Before
 * each attempt it reserves the true worst case: an upper bound of the prompt's tokens (UTF-8
 * bytes, so CJK and emoji are never under-counted) and the output cap, which is the request's
 * max_tokens or the model's maximum, lowered to what the budget left can pay for and sent
 * upstream so the provider cannot run past it (`max_tokens_capped_to` in the receipt). After the
 * call it settles the real cost. So concurrent requests on any number of instances cannot spend
 * past a limit together. A refusal is a BudgetExceededError (402): the engine then tries the
 * next, often cheaper, candidate. When the store is down it fails closed (503) unless told not to.
 *
 * @example
 * const spend = createSpendLimitMiddleware({
 *   store: createRedisCounterStore(),
 *   perKey: { limits: { daily_usd: 5, per_request_usd: 0.5 }, alerts: { threshold_percent: 80, webhook_url: 'https://ops.example.com/hook' } },
 * });
 */
export function createSpendLimitMiddleware(options: SpendLimitOptions, context: LimitContext = {}): EngineMiddleware {
  parseOptions(optionsSchema, options, 'spend limit');
  const store = options.store ?? createMemoryCounterStore();
  const prefix = options.prefix ?? 'spend';
  const minOutputTokens = options.minOutputTokens ?? 256;
  const clock = options.now ?? Date.now;
  const timeoutMs = options.webhookTimeoutMs ?? 3000;
  const failOpen = options.onStoreFailure === 'open';
  const keys = createCounterKeys(prefix);
  const rulesFor = compileScopedRules(options, compilePolicy);
  const boundOptions: PromptTokenBoundOptions = options.imageTokens === undefined ? {} : { imageTokens: options.imageTokens };

  /** Alerts for a counter past its threshold (`crossesAlert`), once per window across every instance. */
  async function alertOnce(counter: SpendCounter, total: number): Promise<void> {
    const alerts = counter.alerts;
    if (alerts === undefined) return;
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

  /** The reservations of `amount` on every counter. */
  function reservationsOf(counters: SpendCounter[], amount: number): CounterReservation[] {
    const reservations: CounterReservation[] = new Array(counters.length);
    for (let index = 0; index < counters.length; index++) {
      const counter = counters[index]!;
      reservations[index] = { key: counter.key, amount, limit: counter.limit, ttlMs: counter.ttlMs };
    }
    return reservations;
  }

  /** A reservation the store failed: null (go on uncounted) when the limit fails open, else the 503 to throw. */
  function storeFailure(error: unknown): null {
    if (error instanceof RangeError) throw error;
    if (failOpen) return null;
    throw new StoreUnavailableError('Spend limits cannot be checked right now because the shared store is unavailable; retry shortly.', {
      feature: 'spend_limits',
      retryAfterSeconds: error instanceof StoreUnavailableError ? error.retryAfterSeconds : 1,
      cause: error,
    });
  }

  function unknownPriceMicros(modelId: string): number {
    const policy = options.unknownPrice ?? 'refuse';
    if (policy === 'refuse') {
      throw new BudgetExceededError(`${modelId} has no known price, so spend limits cannot bound its cost; give it a price in the config's models, or set spendLimits.unknownPrice to { maxCostPerRequestUsd }.`, {
        limit: 'unknownPrice',
        limitUsd: 0,
        spentUsd: 0,
      });
    }
    return micros(policy.maxCostPerRequestUsd);
  }

  return {
    name: 'spend-limit',
    async wrapCall(attempt: Attempt, next) {
      const exchange = attempt.exchange;
      const rules = rulesFor(exchange);
      if (rules.length === 0) return next();
      const now = clock();
      const { model, request } = attempt;
      const promptTokens = promptTokenBound(request, boundOptions);
      const choices = choicesOf(request);
      const wanted = requestedOutputTokens(request) ?? options.defaultMaxOutputTokens ?? model.maxOutputTokens;
      const worstCase = (outputTokens: number) => costMicros(model, promptTokens, outputTokens * choices);
      // An unknown price cannot be bounded by tokens: refused, or counted at the configured amount.
      const unknownCost = model.priceUnknown === true ? unknownPriceMicros(model.id) : undefined;
      let amount = unknownCost ?? worstCase(wanted);
      const minimum = unknownCost ?? worstCase(Math.min(wanted, minOutputTokens));

      const spentByRequest = (exchange.state.get('spend.request_micros') as number | undefined) ?? 0;
      for (let index = 0; index < rules.length; index++) {
        const { scope, rule } = rules[index]!;
        const limit = rule.perRequestUsd;
        if (limit === undefined) continue;
        const room = rule.perRequestMicros - spentByRequest;
        if (room < minimum) {
          throw new BudgetExceededError(`Spend limit per_request_usd of ${formatUsd(limit)} for ${describeScope(scope, context)} would be exceeded by ${model.id}: this call needs at least ${formatUsd(dollars(minimum))}.`, {
            limit: `${scope}.per_request_usd`,
            limitUsd: limit,
            spentUsd: dollars(spentByRequest),
          });
        }
        amount = Math.min(amount, room);
      }

      let counters: SpendCounter[] = [];
      for (let index = 0; index < rules.length; index++) {
        const { scope, id, rule } = rules[index]!;
        for (let windowIndex = 0; windowIndex < rule.windows.length; windowIndex++) {
          const { field, period, limit, limitName } = rule.windows[windowIndex]!;
          const window = keys.window(period, now);
          counters.push({ key: keys.key(scope, id, field, window), ttlMs: ttlOf(window, now), limit, scope, id, name: field, limitName, window, alerts: rule.alerts });
        }
      }
      let reserved = amount;
      let hold: string | undefined;
      if (counters.length > 0) {
        // The request's deadline ends the call, so a hold that outlives it by a minute is one whose settle was lost.
        const holdMs = Math.max(0, (exchange.receipt.deadline_ms ?? defaultHoldMs) - (performance.now() - exchange.startedAt)) + 60_000;
        // Up to `amount` and at least `minimum` on every counter, as a hold that lapses `holdMs` from now unless settled.
        // (Awaited here rather than in a helper: one async frame less on every request.)
        let outcome: ReserveOutcome | null;
        try {
          outcome = await store.reserve(reservationsOf(counters, amount), { minimum, holdMs });
        } catch (error) {
          outcome = storeFailure(error);
        }
        if (outcome === null) counters = [];
        else if (!outcome.allowed) {
          const refused = counters[outcome.refusedIndex]!;
          throw new BudgetExceededError(`Spend limit ${refused.name} of ${formatUsd(dollars(refused.limit))} for ${describeScope(refused.scope, context)} would be exceeded by ${model.id}: ${formatUsd(dollars(outcome.counters[outcome.refusedIndex]!.total))} spent, this call needs at least ${formatUsd(dollars(minimum))}.`, {
            limit: refused.limitName,
            limitUsd: dollars(refused.limit),
            spentUsd: dollars(outcome.counters[outcome.refusedIndex]!.total),
          });
        } else {
          reserved = outcome.granted ?? amount;
          hold = outcome.hold;
        }
      }

      // The call always carries an output cap: it is what makes the reservation a true worst case.
      // (Not for an unknown price: its reservation is the configured amount, not a token count.)
      if (unknownCost === undefined) {
        const outputTokens = affordableOutputTokens(model, promptTokens, choices, wanted, reserved);
        attempt.request = withOutputCap(request, outputTokens, model);
        if (outputTokens < wanted) exchange.receipt.max_tokens_capped_to = outputTokens;
        else delete exchange.receipt.max_tokens_capped_to;
      }
      const realCost = (usage: SettledUsage) => unknownCost ?? usageCostMicros(model, usage);

      let settled = false;
      const settle = async (cost: number) => {
        if (settled) return;
        settled = true;
        exchange.state.set('spend.request_micros', ((exchange.state.get('spend.request_micros') as number | undefined) ?? 0) + cost);
        if (counters.length === 0) return;
        const totals =
          hold !== undefined && store.settle !== undefined
            ? await store.settle(hold, counters, cost)
            : await Promise.all(counters.map((counter) => store.adjust(counter.key, cost - reserved, counter.ttlMs)));
        const limits: Record<string, { limit: number; remaining: number }> = exchange.receipt.limits === undefined ? {} : { ...exchange.receipt.limits };
        let alerting: Promise<void>[] | undefined;
        for (let index = 0; index < counters.length; index++) {
          const counter = counters[index]!;
          const total = totals[index]!;
          limits[counter.limitName] = { limit: dollars(counter.limit), remaining: dollars(Math.max(0, counter.limit - total)) };
          if (crossesAlert(counter, total)) (alerting ??= []).push(alertOnce(counter, total));
        }
        exchange.receipt.limits = limits;
        if (alerting !== undefined) await Promise.all(alerting);
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
        await settle(realCost(usage)).catch(ignoreSettleFailure);
        return result;
      }
      return { type: 'stream', stream: trackStreamUsage(result.stream, promptTokens, (usage) => settle(realCost(usage))) };
    },
  };
}
