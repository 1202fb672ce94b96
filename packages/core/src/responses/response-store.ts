import type { ChatMessage } from '../chat/chat-request.js';
import type { ResponseObject } from './response-object.js';

/** A response kept for `previous_response_id` and `GET /v1/responses/{id}`. */
export interface StoredResponse {
  id: string;
  tenant: string;
  /** The response object as the client received it. */
  response: ResponseObject;
  /** The whole conversation after this turn (without `instructions`, which do not carry over), in chat form. */
  conversation: ChatMessage[];
  /** The model string the request named (`auto`, `router-…`, an explicit model), to tell a follow-up that keeps it from one that re-routes. */
  modelRequested: string;
  /** When it is deleted, epoch ms: the tenant's content retention period. */
  expiresAt: number;
}

/** Where stored responses live: `MemoryResponseStore`, or the gateway's SQL store (`createSqlResponseStore`). Every read and delete is scoped to a tenant. */
export interface ResponseStore {
  put(stored: StoredResponse): Promise<void>;
  /** The response, if it exists, belongs to `tenant` and has not expired. */
  get(id: string, tenant: string): Promise<StoredResponse | undefined>;
  /** Deletes it; `false` when there was none for this tenant. */
  delete(id: string, tenant: string): Promise<boolean>;
  close?(): Promise<void>;
}

/**
 * Stored responses in process memory, the newest `maxResponses` (default 1,000), each until it
 * expires. For one process and tests; share a SQL store between instances.
 *
 * @example
 * const store = new MemoryResponseStore({ maxResponses: 100 });
 */
export class MemoryResponseStore implements ResponseStore {
  readonly #responses = new Map<string, StoredResponse>();
  readonly #maxResponses: number;
  readonly #now: () => number;

  constructor(options: { maxResponses?: number; now?: () => number } = {}) {
    this.#maxResponses = options.maxResponses ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#responses.size;
  }

  async put(stored: StoredResponse): Promise<void> {
    this.#responses.delete(stored.id);
    this.#responses.set(stored.id, structuredClone(stored));
    // A Map iterates in insertion order, so the first key is the oldest.
    while (this.#responses.size > this.#maxResponses) this.#responses.delete(this.#responses.keys().next().value!);
  }

  async get(id: string, tenant: string): Promise<StoredResponse | undefined> {
    const found = this.#responses.get(id);
    if (found === undefined || found.tenant !== tenant) return undefined;
    if (found.expiresAt <= this.#now()) {
      this.#responses.delete(id);
      return undefined;
    }
    return structuredClone(found);
  }

  async delete(id: string, tenant: string): Promise<boolean> {
    if ((await this.get(id, tenant)) === undefined) return false;
    return this.#responses.delete(id);
  }
}
