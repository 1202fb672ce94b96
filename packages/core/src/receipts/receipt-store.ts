import { LRUCache } from 'lru-cache';
import type { Receipt } from './receipt.js';

/** Where receipts are kept for `GET /v1/receipts/:id`. */
export interface ReceiptStore {
  put(receipt: Receipt): Promise<void>;
  get(requestId: string): Promise<Receipt | undefined>;
}

export interface MemoryReceiptStoreOptions {
  /** How many receipts to keep; the oldest go first. Default 10,000. */
  maxReceipts?: number;
}

/**
 * Receipts in process memory, bounded, for one instance.
 *
 * @example
 * const receipts = new MemoryReceiptStore({ maxReceipts: 1000 });
 */
export class MemoryReceiptStore implements ReceiptStore {
  readonly #receipts: LRUCache<string, Receipt>;

  constructor(options: MemoryReceiptStoreOptions = {}) {
    this.#receipts = new LRUCache({ max: options.maxReceipts ?? 10_000 });
  }

  async put(receipt: Receipt): Promise<void> {
    this.#receipts.set(receipt.request_id, receipt);
  }

  async get(requestId: string): Promise<Receipt | undefined> {
    return this.#receipts.get(requestId);
  }
}
