import { type Engine, type LimitPeriod, NotFoundError, type SpendLimitOptions, type SpendPolicy, type UsageGrouping, windowOf } from '@routekit/core';
import type { ApiKeyEntry, Caller } from './authenticate.js';
import type { KeyManagement } from './key-management.js';

/** One windowed spend limit and what was spent in its current window. */
export interface LimitStanding {
  limit: 'daily_usd' | 'weekly_usd' | 'monthly_usd';
  limit_usd: number;
  spent_usd: number;
  /** spent / limit: 1 means the limit is reached. */
  used_share: number;
  window_start: string;
  window_end: string;
}

/** A key's or tenant's spend this month and against each of its windowed limits. */
export interface SpendStanding {
  scope: 'key' | 'tenant' | 'global';
  id: string;
  /** The key's tenant (the tenant itself for a tenant). */
  tenant: string | null;
  month_spent_usd: number;
  month_requests: number;
  limits: LimitStanding[];
}

const periods: ReadonlyArray<[LimitStanding['limit'], LimitPeriod]> = [['daily_usd', 'day'], ['weekly_usd', 'week'], ['monthly_usd', 'month']];
/** The view is for people: the 500 closest to (or over) a limit, then the biggest spenders. */
const maxRows = 500;

/**
 * `GET /v1/usage/limits`: every key and tenant with spend this month or a spend limit, with what it
 * spent in each limit's current window (UTC day, week from Monday, month: the limiter's windows),
 * from the stored receipts (what was billed; reservations in flight are not in them). Limits come
 * from the config's `spendLimits` (`keys`/`perKey`, `tenants`/`perTenant`, `global`) and the
 * durable keys' own policies, the key's own winning. An admin sees everyone; anyone else their
 * own tenant and its keys.
 */
export async function spendAgainstLimits(options: { engine: Engine; caller: Caller; spendLimits?: SpendLimitOptions; keyManagement?: KeyManagement; apiKeys?: readonly ApiKeyEntry[]; now?: number }): Promise<{ object: 'list'; data: SpendStanding[] }> {
  const { engine, caller } = options;
  const usage = engine.receipts.usage?.bind(engine.receipts);
  if (usage === undefined) throw new NotFoundError('This gateway\'s receipt store cannot answer usage queries; configure a durable store (SQLite or PostgreSQL).', { code: 'usage_unavailable' });
  const now = options.now ?? Date.now();
  const config = options.spendLimits ?? {};
  const tenantScope = caller.admin ? undefined : caller.tenant;
  // Spend per key and per tenant in each window: six grouped queries, whatever the number of keys.
  const spent = new Map<string, { cost: number; requests: number; tenant?: string }>();
  for (const [, period] of periods) {
    const window = windowOf(period, now);
    for (const groupBy of ['key', 'tenant'] as UsageGrouping[]) {
      const report = await usage({ from: window.start, to: window.end, groupBy, ...(tenantScope !== undefined && { tenant: tenantScope }) });
      for (const group of report.groups) spent.set(`${period}|${groupBy}|${group.group}`, { cost: group.cost_usd, requests: group.requests });
    }
  }
  const durable = options.keyManagement === undefined ? [] : await options.keyManagement.keys.list({ ...(tenantScope !== undefined && { tenant: tenantScope }), limit: 10_000 });
  const keyTenants = new Map([...(options.apiKeys ?? []).map((entry) => [entry.id, entry.tenant] as const), ...durable.map((record) => [record.id, record.tenant] as const)]);
  const rules = new Map<string, { scope: SpendStanding['scope']; id: string; tenant: string | null; rule: SpendPolicy | undefined }>();
  const add = (scope: SpendStanding['scope'], id: string, tenant: string | null, rule: SpendPolicy | undefined) => rules.set(`${scope}|${id}`, { scope, id, tenant, rule });
  const configured = (table: Readonly<Record<string, SpendPolicy>> | undefined, id: string) => (table !== undefined && Object.hasOwn(table, id) ? table[id] : undefined);
  // Who appears: whoever spent this month, whoever has a limit of their own.
  for (const key of spent.keys()) {
    const [period, groupBy, id] = key.split('|') as [LimitPeriod, string, string];
    if (period !== 'month' || id === 'none') continue;
    if (groupBy === 'key') add('key', id, keyTenants.get(id) ?? null, configured(config.keys, id) ?? config.perKey);
    else add('tenant', id, id, configured(config.tenants, id) ?? config.perTenant);
  }
  for (const record of durable) if (record.policy.spendLimit !== undefined || rules.has(`key|${record.id}`)) add('key', record.id, record.tenant, record.policy.spendLimit ?? configured(config.keys, record.id) ?? config.perKey);
  for (const [tenant, rule] of Object.entries(config.tenants ?? {})) if (tenantScope === undefined || tenant === tenantScope) add('tenant', tenant, tenant, rule);
  if (caller.admin && config.global !== undefined) add('global', '*', null, config.global);

  const data = [...rules.values()].map(({ scope, id, tenant, rule }): SpendStanding => {
    const spentIn = (period: LimitPeriod) => (scope === 'global' ? sumOf(spent, period) : spent.get(`${period}|${scope}|${id}`) ?? { cost: 0, requests: 0 });
    const limits: LimitStanding[] = [];
    for (const [name, period] of periods) {
      const limit = rule?.limits[name];
      if (limit === undefined) continue;
      const window = windowOf(period, now);
      const cost = spentIn(period).cost;
      limits.push({ limit: name, limit_usd: limit, spent_usd: cost, used_share: limit > 0 ? Math.round((cost / limit) * 10_000) / 10_000 : 1, window_start: new Date(window.start).toISOString(), window_end: new Date(window.end).toISOString() });
    }
    const month = spentIn('month');
    return { scope, id, tenant, month_spent_usd: month.cost, month_requests: month.requests, limits };
  });
  const closest = (standing: SpendStanding) => Math.max(0, ...standing.limits.map((limit) => limit.used_share));
  data.sort((left, right) => closest(right) - closest(left) || right.month_spent_usd - left.month_spent_usd || (left.id < right.id ? -1 : 1));
  return { object: 'list', data: data.slice(0, maxRows) };
}

function sumOf(spent: Map<string, { cost: number; requests: number }>, period: LimitPeriod): { cost: number; requests: number } {
  let cost = 0;
  let requests = 0;
  for (const [key, value] of spent) {
    if (!key.startsWith(`${period}|tenant|`)) continue;
    cost += value.cost;
    requests += value.requests;
  }
  return { cost: Math.round(cost * 1e8) / 1e8, requests };
}
