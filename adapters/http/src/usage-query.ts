import { InvalidRequestError, type UsageGrouping, type UsageQuery } from '@routekit/core';

const groupings: ReadonlySet<string> = new Set(['none', 'model', 'key', 'tenant', 'hour', 'day']);
const allowed: ReadonlySet<string> = new Set(['from', 'to', 'group_by', 'tenant']);

/**
 * Reads `GET /v1/usage?from=&to=&group_by=&tenant=`: times as epoch milliseconds or ISO 8601
 * (default: the last 24 hours), `group_by` one of none, model, key, tenant, hour, day. A caller
 * who is not an admin always gets their own tenant, whatever `tenant` says.
 */
export function parseUsageQuery(search: URLSearchParams, caller: { tenant: string; admin: boolean }): UsageQuery {
  for (const name of search.keys()) {
    if (!allowed.has(name)) throw new InvalidRequestError(`Unknown query parameter "${name.slice(0, 40)}"; /v1/usage takes from, to, group_by and tenant.`, { code: 'unknown_parameter', param: name.slice(0, 40) });
  }
  const to = parseTime(search.get('to'), 'to') ?? Date.now();
  const from = parseTime(search.get('from'), 'from') ?? to - 86_400_000;
  if (from >= to) throw new InvalidRequestError('from must be before to.', { code: 'invalid_range', param: 'from' });
  const groupBy = search.get('group_by') ?? 'none';
  if (!groupings.has(groupBy)) throw new InvalidRequestError('group_by must be one of none, model, key, tenant, hour, day.', { code: 'invalid_value', param: 'group_by' });
  const tenant = caller.admin ? (search.get('tenant') ?? undefined) : caller.tenant;
  return { from, to, groupBy: groupBy as UsageGrouping, ...(tenant !== undefined && { tenant }) };
}

/** Reads `?limit=` of `GET /v1/receipts`: 1 to 500, default 50. */
export function parseReceiptLimit(search: URLSearchParams): number {
  const value = search.get('limit');
  if (value === null) return 50;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new InvalidRequestError('limit must be a whole number from 1 to 500.', { code: 'invalid_value', param: 'limit' });
  return limit;
}

/** A time parameter: epoch milliseconds or ISO 8601; undefined when absent. */
export function parseTime(value: string | null, param: string): number | undefined {
  if (value === null || value === '') return undefined;
  const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(parsed)) throw new InvalidRequestError(`${param} must be epoch milliseconds or an ISO 8601 time.`, { code: 'invalid_value', param });
  return parsed;
}
