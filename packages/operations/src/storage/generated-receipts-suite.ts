import type { Receipt } from '@routekit/core';

export interface GeneratedReceiptsOptions {
  /** Seed of the generator: the same seed gives the same traffic. */
  seed: number;
  /** Start of the three hours the timestamps fall in (epoch ms). */
  from: number;
  /** Prefix of every request id, so a suite can delete its own rows. */
  idPrefix: string;
  /** Prefix of the three tenants' names. */
  tenantPrefix: string;
  /** Whether the receipt at `index` is a stream. */
  stream: (index: number) => boolean;
  /** The request's duration in ms (it may draw from `random`). */
  durationMs: (index: number, random: () => number) => number;
}

/**
 * Generated traffic over three hours for the durable stores' tests: three tenants, several keys and
 * models, errors of each kind (rate and spend limits, a provider's 429), cache hits and misses,
 * fallbacks. The SQL figures are compared with the in-memory reference's over it.
 *
 * @example
 * const receipts = generatedReceipts(400, { seed: 7, from, idPrefix: `${run}-`, tenantPrefix: 'tenant-', stream: (index) => index % 2 === 0, durationMs: (_index, random) => Math.round(random() * 5000) / 10 });
 */
export function generatedReceipts(count: number, options: GeneratedReceiptsOptions): Receipt[] {
  let seed = options.seed;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const models = ['openai/gpt-4.1', 'openai/gpt-4.1-mini', 'anthropic/claude-haiku-4-5'];
  return Array.from({ length: count }, (_, index) => {
    const roll = random();
    const failed = roll < 0.1;
    const error = !failed ? undefined : roll < 0.04 ? { status: 429, code: 'rate_limit_exceeded' } : roll < 0.07 ? { status: 402, code: 'budget_exceeded' } : { status: 429, code: 'provider_rate_limited' };
    const cost = failed ? 0 : Math.round(random() * 1e6) / 1e9;
    return {
      request_id: `${options.idPrefix}${index}`, timestamp: new Date(options.from + Math.floor(random() * 3 * 3_600_000)).toISOString(), tenant: `${options.tenantPrefix}${index % 3}`, api_key_id: index % 5 === 0 ? null : `key-${index % 4}`,
      model_requested: 'auto', strategy: 'auto', candidates: [], winner: failed ? null : models[index % 3]!, reason: 'r', stream: options.stream(index), routing_overhead_ms: 0.1,
      duration_ms: options.durationMs(index, random), upstream_latency_ms: 1, time_to_first_token_ms: null,
      tokens: { prompt: failed ? 0 : 100 + index, completion: failed ? 0 : 20 + (index % 7), total: failed ? 0 : 120 + index + (index % 7), estimated: false },
      cost_usd: cost, default_model: 'openai/gpt-4.1', default_cost_usd: failed ? null : cost * 3, savings_usd: failed ? 0 : cost * 2,
      attempts: [], fallback_attempts: index % 11 === 0 ? 1 : 0, status: failed ? 'error' : 'ok', ...(error && { error }),
      ...(index % 4 === 0 ? { cache: { status: 'hit' as const } } : index % 4 === 1 ? { cache: { status: 'miss' as const } } : {}),
    };
  });
}
