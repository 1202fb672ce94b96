import { InvalidRequestError, type UsageGrouping, type UsageQuery } from '@routekit/core';

const groupings: ReadonlySet<string> = new Set(['none', 'model', 'key', 'tenant', 'hour', 'day', 'time']);
const allowed: ReadonlySet<string> = new Set(['from', 'to', 'group_by', 'tenant', 'bucket']);
const unitMs: ReadonlyMap<string, number> = new Map([['m', 60_000], ['h', 3_600_000], ['d', 86_400_000]]);
/** More buckets than this make a chart no one can read and a slow query: a 400 says to take longer ones. */
const maxBuckets = 1_500;

/**
 * The bucket a time chart of a range reads best with: 1 minute for the last hour, 5 for 6 hours,
 * 15 for a day, an hour for a week, a day beyond (60 to 168 points each).
 */
export function bucketForRange(rangeMs: number): number {
  if (rangeMs <= 3_600_000) return 60_000;
  if (rangeMs <= 6 * 3_600_000) return 300_000;
  if (rangeMs <= 86_400_000) return 900_000;
  if (rangeMs <= 7 * 86_400_000) return 3_600_000;
  return 86_400_000;
}

/**
 * Reads `GET /v1/usage?from=&to=&group_by=&bucket=&tenant=`: times as epoch milliseconds or ISO 8601
 * (default: the last 24 hours), `group_by` one of none, model, key, tenant, hour, day, time. `time`
 * groups by `bucket` (`1m`, `5m`, `15m`, `1h`, `1d`, any whole number of minutes, hours or days;
 * `bucket` alone implies `group_by=time`; without it the range picks one, see `bucketForRange`).
 * A caller who is not an admin always gets their own tenant, whatever `tenant` says.
 */
export function parseUsageQuery(search: URLSearchParams, caller: { tenant: string; admin: boolean }): UsageQuery {
  for (const name of search.keys()) {
    if (!allowed.has(name)) throw new InvalidRequestError(`Unknown query parameter "${name.slice(0, 40)}"; /v1/usage takes from, to, group_by, bucket and tenant.`, { code: 'unknown_parameter', param: name.slice(0, 40) });
  }
  const to = parseTime(search.get('to'), 'to') ?? Date.now();
  const from = parseTime(search.get('from'), 'from') ?? to - 86_400_000;
  if (from >= to) throw new InvalidRequestError('from must be before to.', { code: 'invalid_range', param: 'from' });
  const bucket = search.get('bucket');
  const groupBy = search.get('group_by') ?? (bucket === null ? 'none' : 'time');
  if (!groupings.has(groupBy)) throw new InvalidRequestError('group_by must be one of none, model, key, tenant, hour, day, time.', { code: 'invalid_value', param: 'group_by' });
  if (bucket !== null && groupBy !== 'time') throw new InvalidRequestError('bucket goes with group_by=time (or alone).', { code: 'invalid_value', param: 'bucket' });
  const tenant = caller.admin ? (search.get('tenant') ?? undefined) : caller.tenant;
  const base = { from, to, groupBy: groupBy as UsageGrouping, ...(tenant !== undefined && { tenant }) };
  if (groupBy !== 'time') return base;
  const bucketMs = bucket === null ? bucketForRange(to - from) : parseBucket(bucket);
  if ((to - from) / bucketMs > maxBuckets) throw new InvalidRequestError(`This range has more than ${maxBuckets} buckets of ${bucket}; take a longer bucket or a shorter range.`, { code: 'invalid_value', param: 'bucket' });
  return { ...base, bucketMs };
}

function parseBucket(value: string): number {
  const match = /^([1-9]\d{0,3})([mhd])$/.exec(value);
  if (match === null) throw new InvalidRequestError('bucket must be a whole number of minutes, hours or days: 1m, 5m, 15m, 1h, 1d, ...', { code: 'invalid_value', param: 'bucket' });
  return Number(match[1]) * unitMs.get(match[2]!)!;
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
