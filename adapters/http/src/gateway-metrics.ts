import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Receipt } from '@routekit/core';

/** The gateway's Prometheus metrics, fed from finished receipts, served at `GET /metrics`. */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Counts one finished request (an `onReceipt` listener of the engine). */
  observe(receipt: Receipt): void;
  /** Sets the state of one endpoint's circuit breaker: 0 closed, 1 half-open, 2 open. */
  setBreakerState(endpoint: string, state: 'closed' | 'half-open' | 'open'): void;
}

const breakerStates = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Request counts and latency histograms by model and status, tokens, cost, savings, cache hits,
 * fallbacks, limit rejections and breaker states, in a registry of their own (so two gateways in one
 * process do not collide). Labels are model ids, statuses and codes: never tenant text or prompts.
 *
 * @example
 * const metrics = createGatewayMetrics();
 * const engine = createEngine({ ...config, onReceipt: [metrics.observe] });
 */
export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  const requests = new Counter({ name: 'routekit_requests_total', help: 'Requests finished, by winning model (or none), status and strategy kind.', labelNames: ['model', 'status', 'strategy'], registers: [registry] });
  const duration = new Histogram({
    name: 'routekit_request_duration_seconds',
    help: 'Wall time from the engine taking a request to the end of its answer.',
    labelNames: ['model', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const tokens = new Counter({ name: 'routekit_tokens_total', help: 'Tokens by model and direction (prompt, completion).', labelNames: ['model', 'direction'], registers: [registry] });
  const cost = new Counter({ name: 'routekit_cost_usd_total', help: 'What the calls cost, in USD, by model.', labelNames: ['model'], registers: [registry] });
  const savings = new Counter({ name: 'routekit_savings_usd_total', help: 'Saved against the default model, in USD.', registers: [registry] });
  const cache = new Counter({ name: 'routekit_cache_lookups_total', help: 'Cache lookups by outcome (hit, miss, bypass) and kind (exact, semantic).', labelNames: ['outcome', 'kind'], registers: [registry] });
  const fallbacks = new Counter({ name: 'routekit_fallbacks_total', help: 'Attempts that failed over to the next candidate.', registers: [registry] });
  const rejections = new Counter({ name: 'routekit_limit_rejections_total', help: 'Requests refused by a rate or spend limit, by error code.', labelNames: ['code'], registers: [registry] });
  const breakers = new Gauge({ name: 'routekit_circuit_breaker_state', help: 'Circuit breaker state per endpoint: 0 closed, 1 half-open, 2 open.', labelNames: ['endpoint'], registers: [registry] });

  return {
    registry,
    observe(receipt) {
      const model = receipt.winner ?? 'none';
      const status = receipt.error ? String(receipt.error.status) : receipt.status === 'aborted' ? '499' : '200';
      requests.inc({ model, status, strategy: strategyKind(receipt.strategy) });
      if (receipt.duration_ms !== undefined) duration.observe({ model, status }, receipt.duration_ms / 1000);
      if (receipt.tokens.prompt > 0) tokens.inc({ model, direction: 'prompt' }, receipt.tokens.prompt);
      if (receipt.tokens.completion > 0) tokens.inc({ model, direction: 'completion' }, receipt.tokens.completion);
      if (receipt.cost_usd > 0) cost.inc({ model }, receipt.cost_usd);
      if (receipt.savings_usd > 0) savings.inc(receipt.savings_usd);
      if (receipt.cache !== undefined && receipt.cache.status !== 'off') cache.inc({ outcome: receipt.cache.status, kind: receipt.cache.kind ?? 'none' });
      if (receipt.fallback_attempts > 0) fallbacks.inc(receipt.fallback_attempts);
      if (receipt.error !== undefined && (receipt.error.status === 429 || receipt.error.status === 402) && !receipt.error.code.startsWith('provider_')) rejections.inc({ code: receipt.error.code });
    },
    setBreakerState(endpoint, state) {
      breakers.set({ endpoint }, breakerStates[state]);
    },
  };
}

/** `router-lr-0.42` and `router-lr-0.43` are one strategy: thresholds would make labels unbounded. */
function strategyKind(strategy: string): string {
  if (strategy.startsWith('router@')) return 'router@';
  const threshold = /^(router-[a-z0-9_]+?)-\d*\.?\d+$/.exec(strategy);
  if (threshold !== null) return threshold[1]!;
  return strategy === 'auto' || strategy === 'none' ? strategy : 'explicit';
}
