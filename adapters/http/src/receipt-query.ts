import { AuthenticationError, InvalidRequestError, type Receipt, type ReceiptListQuery } from '@routekit/core';
import { parseReceiptLimit, parseTime } from './usage-query.js';

const allowed: ReadonlySet<string> = new Set(['limit', 'after', 'status', 'model', 'key', 'tenant', 'from', 'to']);
const statuses: ReadonlySet<string> = new Set(['ok', 'error', 'aborted']);

/**
 * Reads `GET /v1/receipts?limit=&after=&status=&model=&key=&tenant=&from=&to=`: `status` ok, error
 * or aborted; `model` the model that answered or the one asked for; `key` an API key id; `tenant`
 * for admins (anyone else sees their own tenant and gets 403 asking for another); `from`/`to` as
 * in /v1/usage; `after` the `next_cursor` of the previous page. An unknown parameter is a 400.
 * Asks the store for one receipt more than `limit`, to tell whether there is another page.
 */
export function parseReceiptQuery(search: URLSearchParams, caller: { tenant: string; admin: boolean }): ReceiptListQuery {
  for (const name of search.keys()) {
    if (!allowed.has(name)) throw new InvalidRequestError(`Unknown query parameter "${name.slice(0, 40)}"; /v1/receipts takes ${[...allowed].join(', ')}.`, { code: 'unknown_parameter', param: name.slice(0, 40) });
  }
  const text = (name: string) => {
    const value = search.get(name);
    if (value === null) return undefined;
    if (value === '' || value.length > 256) throw new InvalidRequestError(`${name} must be 1 to 256 characters.`, { code: 'invalid_value', param: name });
    return value;
  };
  const status = text('status');
  if (status !== undefined && !statuses.has(status)) throw new InvalidRequestError('status must be one of ok, error, aborted.', { code: 'invalid_value', param: 'status' });
  const tenant = text('tenant');
  if (tenant !== undefined && !caller.admin && tenant !== caller.tenant) throw new AuthenticationError('Listing another tenant\'s receipts needs an admin key.', { code: 'admin_required', status: 403 });
  const from = parseTime(search.get('from'), 'from');
  const to = parseTime(search.get('to'), 'to');
  if (from !== undefined && to !== undefined && from >= to) throw new InvalidRequestError('from must be before to.', { code: 'invalid_range', param: 'from' });
  const after = text('after');
  const model = text('model');
  const key = text('key');
  const scope = caller.admin ? tenant : caller.tenant;
  return {
    limit: parseReceiptLimit(search) + 1,
    ...(scope !== undefined && { tenant: scope }),
    ...(status !== undefined && { status: status as Receipt['status'] }),
    ...(model !== undefined && { model }),
    ...(key !== undefined && { apiKeyId: key }),
    ...(from !== undefined && { from }),
    ...(to !== undefined && { to }),
    ...(after !== undefined && { before: decodeCursor(after) }),
  };
}

/** One page of receipts in OpenAI's list style, with the cursor of the next page. */
export function receiptPage(found: Receipt[], query: ReceiptListQuery) {
  const data = found.slice(0, query.limit - 1);
  const hasMore = found.length > data.length;
  const last = data.at(-1);
  return {
    object: 'list' as const,
    data,
    first_id: data[0]?.request_id ?? null,
    last_id: last?.request_id ?? null,
    has_more: hasMore,
    next_cursor: hasMore && last !== undefined ? encodeCursor(last) : null,
  };
}

/** The cursor is the last receipt's time and id (opaque to clients): the next page starts just after it. */
function encodeCursor(receipt: Receipt): string {
  return Buffer.from(JSON.stringify([Date.parse(receipt.timestamp), receipt.request_id])).toString('base64url');
}

function decodeCursor(cursor: string): { time: number; requestId: string } {
  try {
    const [time, requestId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof time === 'number' && Number.isFinite(time) && typeof requestId === 'string') return { time, requestId };
  } catch {
    // Reported below, as every other cursor that is not one of ours.
  }
  throw new InvalidRequestError('after must be the next_cursor of a previous page.', { code: 'invalid_value', param: 'after' });
}
