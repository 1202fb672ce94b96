import type { Receipt } from './receipt.js';
import { receiptJson } from './receipt-json.js';
import { ReceiptRing } from './receipt-ring.js';
import { summarizeUsage, type UsageQuery, type UsageReport } from './usage-summary.js';

/** Where receipts are kept for `GET /v1/receipts/:id`, usage analytics and the dashboard. */
export interface ReceiptStore {
  put(receipt: Receipt): Promise<void>;
  get(requestId: string): Promise<Receipt | undefined>;
  /** Usage analytics over the stored receipts (`GET /v1/usage`); absent when a store cannot query. */
  usage?(query: UsageQuery): Promise<UsageReport>;
  /** The newest receipts first (by time, then request id), filtered (the dashboard's table, `GET /v1/receipts`). */
  recent?(options: ReceiptListQuery): Promise<Receipt[]>;
}

/** Which receipts `recent` lists: every field narrows. */
export interface ReceiptListQuery {
  limit: number;
  tenant?: string;
  status?: Receipt['status'];
  /** The model that answered, or the model string the client sent. */
  model?: string;
  apiKeyId?: string;
  /** Times as epoch ms: `from` inclusive, `to` exclusive. */
  from?: number;
  to?: number;
  /** Only receipts older than this one (time, then request id): the next page after the last receipt seen. */
  before?: { time: number; requestId: string };
}

/** Whether a receipt is one `recent` lists for `query` (the memory store's filter; SQL stores say the same in SQL). */
export function receiptMatches(receipt: Receipt, query: Omit<ReceiptListQuery, 'limit'>): boolean {
  const time = Date.parse(receipt.timestamp);
  return (query.tenant === undefined || receipt.tenant === query.tenant)
    && (query.status === undefined || receipt.status === query.status)
    && (query.model === undefined || receipt.winner === query.model || receipt.model_requested === query.model)
    && (query.apiKeyId === undefined || receipt.api_key_id === query.apiKeyId)
    && (query.from === undefined || time >= query.from)
    && (query.to === undefined || time < query.to)
    && (query.before === undefined || time < query.before.time || (time === query.before.time && receipt.request_id < query.before.requestId));
}

export interface MemoryReceiptStoreOptions {
  /**
   * How many receipts to keep; the oldest go first. Default 1,000 (about 2 KB each as JSON: a routed
   * receipt lists every ranked model). Keep more, and analytics across restarts, in a durable store
   * (SQLite or PostgreSQL).
   */
  maxReceipts?: number;
}

/**
 * Receipts in process memory, bounded, for one instance: the usage figures cover what it still holds.
 * They are kept as JSON outside the JavaScript heap (see `ReceiptRing`), so each read returns a copy
 * of the receipt as it was stored (as `GET /v1/receipts/:id` serves it), not the object put.
 *
 * @example
 * const receipts = new MemoryReceiptStore({ maxReceipts: 1000 });
 */
export class MemoryReceiptStore implements ReceiptStore {
  readonly #receipts: ReceiptRing;

  constructor(options: MemoryReceiptStoreOptions = {}) {
    this.#receipts = new ReceiptRing(options.maxReceipts ?? 1_000);
  }

  async put(receipt: Receipt): Promise<void> {
    this.#receipts.put(receipt.request_id, receiptJson(receipt));
  }

  async get(requestId: string): Promise<Receipt | undefined> {
    const json = this.#receipts.get(requestId);
    return json === undefined ? undefined : (JSON.parse(json) as Receipt);
  }

  async usage(query: UsageQuery): Promise<UsageReport> {
    return summarizeUsage(this.#all(), query);
  }

  async recent(query: ReceiptListQuery): Promise<Receipt[]> {
    const found = [...this.#all()].filter((receipt) => receiptMatches(receipt, query));
    // Newest first by time, then id, as the SQL stores order: a cursor then pages without gaps.
    found.sort((left, right) => Date.parse(right.timestamp) - Date.parse(left.timestamp) || (left.request_id < right.request_id ? 1 : left.request_id > right.request_id ? -1 : 0));
    return found.slice(0, query.limit);
  }

  *#all(): IterableIterator<Receipt> {
    for (const json of this.#receipts.newestFirst()) yield JSON.parse(json) as Receipt;
  }
}
