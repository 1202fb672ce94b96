import { randomUUID } from 'node:crypto';
import { migrate } from '../storage/migrate.js';
import type { SqlDatabase } from '../storage/sql-database.js';
import type { WebhookEvent, WebhookEventMap, WebhookEventType } from './webhook-events.js';
import { parseWebhookEndpoints, webhookOutboxMigrations, type WebhookEndpoint } from './webhook-outbox-schema.js';
import { signWebhookPayload, webhookIdHeader, webhookSignatureHeader } from './webhook-signature.js';

export interface WebhookOutboxOptions {
  /** Where pending deliveries live (SQLite or PostgreSQL); migrated on creation. */
  database: SqlDatabase;
  /** The receivers; validated here, errors name the field. */
  endpoints: WebhookEndpoint[];
  /** Attempts before a delivery is marked dead. Default 8. */
  maxAttempts?: number;
  /** The first retry's delay, in ms; doubled per attempt, with jitter. Default 1,000. */
  baseDelayMs?: number;
  /** The longest delay between two attempts, in ms. Default 3,600,000 (an hour). */
  maxDelayMs?: number;
  /** Time allowed for one POST, in ms. Default 10,000. */
  timeoutMs?: number;
  /** How often `start()` looks for due deliveries, in ms. Default 1,000. */
  pollIntervalMs?: number;
  /** How long a claimed attempt is reserved for the instance sending it; after that a crashed sender's row is retried. Default 60,000. */
  leaseMs?: number;
  /** Rows one endpoint's lane reads at a time. Default 50. */
  batchSize?: number;
  /** Endpoints delivered to at once; each endpoint's deliveries go one at a time, in order. Default 8. */
  maxParallelEndpoints?: number;
  /** The clock, epoch ms; tests pass their own. */
  now?: () => number;
  /** Jitter source in [0, 1); tests pass their own. */
  random?: () => number;
}

/** The fate of every row, for an admin view and for tests. */
export interface WebhookDelivery {
  id: string;
  event_id: string;
  endpoint_id: string;
  event_type: string;
  /** `sending`: claimed by an instance until `next_attempt_at` (its lease); past that, due again. */
  status: 'pending' | 'sending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

export interface WebhookOutbox {
  /**
   * Writes the event durably for every endpoint that takes it, then nudges delivery; resolves with the
   * event id once written. With `eventId`, an event already written under that id (by this or another
   * instance) is not written again: the way to send something once across instances.
   */
  enqueue<Type extends WebhookEventType>(type: Type, data: WebhookEventMap[Type], options?: { tenant?: string | null; eventId?: string }): Promise<string>;
  /** Sends every due delivery once, each endpoint's in order (claimed first, so instances never double-send an attempt); resolves with how many were sent successfully. */
  deliverDue(): Promise<number>;
  /** Polls every `pollIntervalMs` until `close()`. */
  start(): void;
  /** The deliveries of this outbox's endpoints, newest first. */
  deliveries(options?: { eventId?: string; limit?: number }): Promise<WebhookDelivery[]>;
  /** Stops polling and waits for sends in flight; the database stays open. */
  close(): Promise<void>;
}

interface OutboxRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  body: string;
  attempts: number | string;
  next_attempt_at: number | string;
}

/**
 * Webhooks from a durable outbox: every event is a row before it is a request; each delivery is a
 * signed POST (`x-routekit-signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`),
 * retried with exponential backoff and jitter until a 2xx marks it delivered or `maxAttempts`
 * marks it dead. A new outbox on the same database (a restart) sends what was pending.
 *
 * Each endpoint has a lane of its own: its deliveries go one at a time in the order the events were
 * written (a failed one is retried later, by its backoff), and up to `maxParallelEndpoints` lanes
 * run at once, so a receiver that hangs holds back its own events for at most `timeoutMs` each and
 * never another endpoint's.
 *
 * @example
 * const outbox = await createWebhookOutbox({ database, endpoints: [{ id: 'ops', url: 'https://ops.example.com/hook', secret: process.env.WEBHOOK_SECRET! }] });
 * outbox.start();
 * await outbox.enqueue('service.status', { endpoint: 'openai/gpt-4.1', from: 'closed', to: 'open', status: 'outage' });
 */
export async function createWebhookOutbox(options: WebhookOutboxOptions): Promise<WebhookOutbox> {
  const endpoints = new Map(parseWebhookEndpoints(options.endpoints).map((endpoint) => [endpoint.id, endpoint]));
  const { database } = options;
  await migrate(database, webhookOutboxMigrations);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 3_600_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 50;
  const maxParallel = options.maxParallelEndpoints ?? 8;
  const endpointIds = [...endpoints.keys()];
  // Rows of endpoints no longer configured are left alone: another instance may still serve them.
  const endpointFilter = (first: number) => endpointIds.map((_, index) => `$${index + first}`).join(', ');
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // Strictly increasing creation times, so one endpoint's events are sent in the order they were written.
  let lastCreated = 0;

  /** Exponential backoff with "equal jitter": between half and all of the doubled delay, so retries of many rows spread out. */
  const delayAfter = (attempts: number) => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  };

  async function send(row: OutboxRow, attempts: number): Promise<boolean> {
    const endpoint = endpoints.get(row.endpoint_id)!;
    let failure: string | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { 'content-type': 'application/json', 'user-agent': 'routekit-webhooks/1', [webhookIdHeader]: row.event_id, [webhookSignatureHeader]: signWebhookPayload(endpoint.secret, row.body, Math.floor(now() / 1000)) },
        body: row.body,
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status < 200 || response.status >= 300) failure = `HTTP ${response.status}`;
    } catch (error) {
      // The error's name or code only: a message could carry the endpoint's URL and its credentials.
      const cause = (error as { cause?: { code?: unknown } }).cause;
      failure = typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.name : 'send_failed';
    }
    if (failure === null) {
      await database.execute(`UPDATE routekit_webhook_outbox SET status = 'delivered', delivered_at = $1, last_error = NULL WHERE id = $2`, [now(), row.id]);
      return true;
    }
    const dead = attempts >= maxAttempts;
    // Only while this attempt's claim still holds: a sender that outlived its lease must not put back a row another instance has since delivered.
    await database.execute(
      `UPDATE routekit_webhook_outbox SET status = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4 AND status = 'sending' AND attempts = $5`,
      [dead ? 'dead' : 'pending', now() + (dead ? 0 : delayAfter(attempts)), failure, row.id, attempts],
    );
    return false;
  }

  /**
   * One pass over an endpoint's due rows, oldest event first, one send at a time. Across instances
   * too: a lane ends when another instance has a send in flight to the endpoint (a `sending` row
   * within its lease) or wins a claim this one tried; that instance carries on in order.
   */
  async function lane(endpointId: string): Promise<number> {
    let sent = 0;
    let after = -1;
    for (let batch = 0; batch < 1_000 && !closed; batch += 1) {
      const due = await database.query<OutboxRow & { sequence: number | string }>(
        `SELECT id, endpoint_id, event_id, body, attempts, next_attempt_at, created_at AS sequence FROM routekit_webhook_outbox
         WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1 AND endpoint_id = $2 AND created_at > $3
           AND NOT EXISTS (SELECT 1 FROM routekit_webhook_outbox AS busy WHERE busy.endpoint_id = $2 AND busy.status = 'sending' AND busy.next_attempt_at > $1)
         ORDER BY created_at, id LIMIT $4`,
        [now(), endpointId, after, batchSize],
      );
      for (const row of due) {
        if (closed) return sent;
        const attempts = Number(row.attempts) + 1;
        // The claim: only the instance whose compare-and-set changes the row sends this attempt.
        // A row left `sending` past its lease is a dead sender's, claimed again like a pending one.
        const claimed = await database.execute(
          `UPDATE routekit_webhook_outbox SET status = 'sending', attempts = $1, next_attempt_at = $2 WHERE id = $3 AND status IN ('pending', 'sending') AND attempts = $4 AND next_attempt_at = $5`,
          [attempts, now() + leaseMs, row.id, Number(row.attempts), Number(row.next_attempt_at)],
        );
        if (claimed !== 1) return sent;
        if (await send(row, attempts)) sent += 1;
      }
      if (due.length < batchSize) break;
      // Rows created in the same millisecond as the last one read are picked up by the next pass.
      after = Number(due.at(-1)!.sequence);
    }
    return sent;
  }

  const lanes = new Map<string, Promise<number>>();
  const rerun = new Set<string>();
  let active = 0;
  const waiting: Array<() => void> = [];
  const slot = async () => {
    if (active < maxParallel) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next !== undefined) next();
    else active -= 1;
  };

  /** Runs the endpoint's lane, or asks the running one for another pass (an event arrived meanwhile). */
  function runLane(endpointId: string): Promise<number> {
    const running = lanes.get(endpointId);
    if (running !== undefined) {
      rerun.add(endpointId);
      return running;
    }
    const promise = (async () => {
      let total = 0;
      await slot();
      try {
        do {
          rerun.delete(endpointId);
          total += await lane(endpointId);
        } while (rerun.has(endpointId) && !closed);
      } finally {
        release();
        lanes.delete(endpointId);
      }
      return total;
    })();
    lanes.set(endpointId, promise);
    return promise;
  }

  async function deliverDue(): Promise<number> {
    const sent = await Promise.all(endpointIds.map(runLane));
    return sent.reduce((total, count) => total + count, 0);
  }

  const nudge = (receivers: readonly string[]) => {
    if (timer !== undefined) for (const id of receivers) runLane(id).catch(() => undefined);
  };

  return {
    async enqueue(type, data, enqueueOptions = {}) {
      const tenant = enqueueOptions.tenant ?? null;
      const due = now();
      const created = Math.max(due, lastCreated + 1);
      lastCreated = created;
      const event: WebhookEvent = { id: enqueueOptions.eventId ?? `evt_${randomUUID().replaceAll('-', '')}`, object: 'event', type, created: Math.floor(created / 1000), tenant, data } as WebhookEvent;
      const body = JSON.stringify(event);
      const receivers = [...endpoints.values()].filter((endpoint) => (endpoint.events === undefined || endpoint.events.includes(type)) && (endpoint.tenant === undefined || tenant === null || endpoint.tenant === tenant));
      await database.transaction(async (transaction) => {
        for (const endpoint of receivers) {
          await transaction.execute(
            `INSERT INTO routekit_webhook_outbox (id, event_id, endpoint_id, event_type, tenant, body, status, attempts, next_attempt_at, last_error, created_at, delivered_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, NULL, $8, NULL) ON CONFLICT (id) DO NOTHING`,
            [`${event.id}:${endpoint.id}`, event.id, endpoint.id, type, tenant, body, due, created],
          );
        }
      });
      nudge(receivers.map((endpoint) => endpoint.id));
      return event.id;
    },
    deliverDue,
    start() {
      if (timer !== undefined || closed) return;
      // Each tick starts the lanes that are idle; a busy lane (a hung receiver) is left to finish.
      timer = setInterval(() => void deliverDue().catch(() => undefined), options.pollIntervalMs ?? 1_000);
      timer.unref();
      nudge(endpointIds);
    },
    async deliveries(query = {}) {
      if (endpointIds.length === 0) return [];
      const rows = await database.query<WebhookDelivery & { attempts: number | string; next_attempt_at: number | string }>(
        `SELECT id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, last_error FROM routekit_webhook_outbox
         WHERE ($1 = '' OR event_id = $1) AND endpoint_id IN (${endpointFilter(2)}) ORDER BY created_at DESC, id LIMIT ${Math.max(1, Math.floor(query.limit ?? 100))}`,
        [query.eventId ?? '', ...endpointIds],
      );
      return rows.map((row) => ({ ...row, attempts: Number(row.attempts), next_attempt_at: Number(row.next_attempt_at) }));
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      // Lanes waiting for a slot start, see `closed` and end at once (each releases the slot it is given here).
      for (const resolve of waiting.splice(0)) {
        active += 1;
        resolve();
      }
      await Promise.all([...lanes.values()].map((lane) => lane.catch(() => undefined)));
    },
  };
}
