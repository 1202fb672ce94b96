import type { Receipt } from './receipt.js';

/** How `GET /v1/usage` groups receipts. */
export type UsageGrouping = 'none' | 'model' | 'key' | 'tenant' | 'hour' | 'day' | 'time';

export interface UsageQuery {
  /** Start of the range (inclusive), epoch ms. */
  from: number;
  /** End of the range (exclusive), epoch ms. */
  to: number;
  groupBy: UsageGrouping;
  /** With `groupBy: 'time'`: the buckets' length in ms (a whole number of minutes); each starts at a multiple of it since the epoch. */
  bucketMs?: number;
  /** Only this tenant's receipts; all tenants when omitted (an admin's view). */
  tenant?: string;
}

/** The figures of one group of requests. */
export interface UsageFigures {
  /** The group's key: a model id, key id, tenant, the bucket's start (ISO), or `all`. */
  group: string;
  requests: number;
  succeeded: number;
  success_rate: number;
  latency_ms: { p50: number; p95: number; p99: number };
  tokens: { prompt: number; completion: number; total: number };
  cost_usd: number;
  /** What the same requests would have cost on the default model. */
  default_cost_usd: number;
  savings_usd: number;
  /** Requests per winning model. */
  models: Record<string, number>;
  cache_hit_rate: number;
  /** Share of requests that needed more than one attempt. */
  fallback_rate: number;
  /** Requests refused by a rate limit (429) and by a spend limit (402). */
  rate_limited: number;
  spend_limited: number;
}

export interface UsageReport {
  object: 'usage';
  from: string;
  to: string;
  group_by: UsageGrouping;
  totals: UsageFigures;
  groups: UsageFigures[];
}

/**
 * Usage analytics over receipts (seed 000's programmatic monitoring, seed 002's analytics): per
 * group, request counts and success rate, latency percentiles, tokens, cost, savings against the
 * default model, model distribution, cache hit rate, fallback rate and limit refusals. Groups and
 * model names are Map keys, so no receipt value can reach an object's prototype.
 *
 * @example
 * summarizeUsage(receipts, { from: Date.now() - 86_400_000, to: Date.now(), groupBy: 'model' });
 */
export function summarizeUsage(receipts: Iterable<Receipt>, query: UsageQuery): UsageReport {
  const groups = new Map<string, Receipt[]>();
  const all: Receipt[] = [];
  for (const receipt of receipts) {
    const time = Date.parse(receipt.timestamp);
    if (time < query.from || time >= query.to) continue;
    if (query.tenant !== undefined && receipt.tenant !== query.tenant) continue;
    all.push(receipt);
    if (query.groupBy === 'none') continue;
    const key = groupOf(receipt, query, time);
    const members = groups.get(key);
    if (members === undefined) groups.set(key, [receipt]);
    else members.push(receipt);
  }
  return {
    object: 'usage',
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    group_by: query.groupBy,
    totals: figures('all', all),
    groups: [...groups.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([key, members]) => figures(key, members)),
  };
}

function groupOf(receipt: Receipt, query: UsageQuery, time: number): string {
  switch (query.groupBy as Exclude<UsageGrouping, 'none'>) {
    case 'model':
      return receipt.winner ?? 'none';
    case 'key':
      return receipt.api_key_id ?? 'none';
    case 'tenant':
      return receipt.tenant;
    case 'hour':
      return new Date(time - (time % 3_600_000)).toISOString();
    case 'day':
      return new Date(time - (time % 86_400_000)).toISOString();
    case 'time':
      return new Date(time - (time % (query.bucketMs ?? 3_600_000))).toISOString();
  }
}

function figures(group: string, receipts: readonly Receipt[]): UsageFigures {
  const count = receipts.length;
  const succeeded = receipts.filter((receipt) => receipt.status === 'ok').length;
  const latencies = receipts.flatMap((receipt) => (receipt.duration_ms === undefined ? [] : [receipt.duration_ms])).sort((a, b) => a - b);
  const models = new Map<string, number>();
  let prompt = 0;
  let completion = 0;
  let cost = 0;
  let defaultCost = 0;
  let savings = 0;
  let cacheHits = 0;
  let cacheLookups = 0;
  let fallbacks = 0;
  let rateLimited = 0;
  let spendLimited = 0;
  for (const receipt of receipts) {
    prompt += receipt.tokens.prompt;
    completion += receipt.tokens.completion;
    cost += receipt.cost_usd;
    defaultCost += receipt.default_cost_usd ?? receipt.cost_usd;
    savings += receipt.savings_usd;
    if (receipt.winner !== null) models.set(receipt.winner, (models.get(receipt.winner) ?? 0) + 1);
    if (receipt.cache !== undefined && (receipt.cache.status === 'hit' || receipt.cache.status === 'miss')) {
      cacheLookups += 1;
      if (receipt.cache.status === 'hit') cacheHits += 1;
    }
    if (receipt.fallback_attempts > 0) fallbacks += 1;
    if (receipt.error?.status === 429 && !receipt.error.code.startsWith('provider_')) rateLimited += 1;
    if (receipt.error?.status === 402) spendLimited += 1;
  }
  return {
    group,
    requests: count,
    succeeded,
    success_rate: ratio(succeeded, count),
    latency_ms: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99) },
    tokens: { prompt, completion, total: prompt + completion },
    cost_usd: money(cost),
    default_cost_usd: money(defaultCost),
    savings_usd: money(savings),
    models: Object.fromEntries([...models.entries()].sort((left, right) => right[1] - left[1])),
    cache_hit_rate: ratio(cacheHits, cacheLookups),
    fallback_rate: ratio(fallbacks, count),
    rate_limited: rateLimited,
    spend_limited: spendLimited,
  };
}

/** The nearest-rank percentile of sorted values; 0 for none. */
export function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}

/** A rate as usage reports give it: four decimals, 0 for an empty group. */
export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

/** USD as usage reports give it: eight decimals, so sums of many tiny costs do not drift. */
export function money(value: number): number {
  return Math.round(value * 1e8) / 1e8;
}

/** The figures of a range with no requests. */
export function emptyUsageFigures(group = 'all'): UsageFigures {
  return figures(group, []);
}
