import { LRUCache } from 'lru-cache';
import type { Receipt } from './receipt.js';
import { summarizeUsage, type UsageQuery, type UsageReport } from './usage-summary.js';

/** Where receipts are kept for `GET /v1/receipts/:id`, usage analytics and the dashboard. */
export interface ReceiptStore {
  put(receipt: Receipt): Promise<void>;
  get(requestId: string): Promise<Receipt | undefined>;
  /** Usage analytics over the stored receipts (`GET /v1/usage`); absent when a store cannot query. */
  usage?(query: UsageQuery): Promise<UsageReport>;
  /** The newest receipts first, optionally of one tenant (the dashboard's table). */
  recent?(options: { limit: number; tenant?: string }): Promise<Receipt[]>;
}

export interface MemoryReceiptStoreOptions {
  /**
   * How many receipts to keep; the oldest go first. Default 1,000: a routed receipt lists every
   * ranked model (about 2 KB), so 10,000 held 23 MB of a gateway's heap. Keep more, and analytics
   * across restarts, in a durable store (SQLite or PostgreSQL).
   */
  maxReceipts?: number;
}

/**
 * Receipts in process memory, bounded, for one instance: the usage figures cover what it still holds.
 *
 * @example
 * const receipts = new MemoryReceiptStore({ maxReceipts: 1000 });
 */
export class MemoryReceiptStore implements ReceiptStore {
  readonly #receipts: LRUCache<string, Receipt>;

  constructor(options: MemoryReceiptStoreOptions = {}) {
    this.#receipts = new LRUCache({ max: options.maxReceipts ?? 1_000 });
  }

  async put(receipt: Receipt): Promise<void> {
    this.#receipts.set(receipt.request_id, receipt);
  }

  async get(requestId: string): Promise<Receipt | undefined> {
    return this.#receipts.get(requestId);
  }

  async usage(query: UsageQuery): Promise<UsageReport> {
    return summarizeUsage(this.#receipts.values(), query);
  }

  async recent({ limit, tenant }: { limit: number; tenant?: string }): Promise<Receipt[]> {
    const found: Receipt[] = [];
    // values() walks from the most recently set entry.
    for (const receipt of this.#receipts.values()) {
      if (found.length >= limit) break;
      if (tenant === undefined || receipt.tenant === tenant) found.push(receipt);
    }
    return found;
  }
}
