import { apiKeyStatus, type ApiKeyStore } from '../operations/sql-api-key-store.js';
import { keyExpiryNoticeDays, keyExpiryNoticeDue } from './webhook-notifier.js';
import type { WebhookOutbox } from './webhook-outbox.js';

export interface KeyExpiryWatchOptions {
  keys: ApiKeyStore;
  outbox: WebhookOutbox;
  /** How often to look for keys entering a notice window, in ms. Default 3,600,000 (an hour). */
  intervalMs?: number;
  /** The clock, epoch ms (tests). */
  now?: () => number;
  /** Told when a check fails (the database is down); the next check tries again. */
  onError?: (error: unknown) => void;
}

export interface KeyExpiryWatch {
  /** Sends the notices due now; resolves with how many keys were looked at and found due. */
  check(): Promise<number>;
  /** Checks now and every `intervalMs` until `close()`. */
  start(): void;
  close(): Promise<void>;
}

/**
 * Sends `key.expiring` when a key enters a notice window (7 days before its expiry, then its last
 * day). Every instance may run the watch: each notice's event id is made of the key, the mark and
 * the expiry, and the outbox writes an event id once, so each key gets one event per mark however
 * many instances (or checks) see it.
 *
 * @example
 * const watch = createKeyExpiryWatch({ keys: keyManagement.keys, outbox });
 * watch.start();
 */
export function createKeyExpiryWatch(options: KeyExpiryWatchOptions): KeyExpiryWatch {
  const clock = options.now ?? Date.now;
  const widest = Math.max(...keyExpiryNoticeDays) * 86_400_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function check(): Promise<number> {
    const now = clock();
    let due = 0;
    for (const record of await options.keys.expiring({ after: now, before: now + widest })) {
      const status = apiKeyStatus(record, now);
      if (status !== 'active' && status !== 'rotating') continue;
      const notice = keyExpiryNoticeDue({ key_id: record.id, tenant: record.tenant, prefix: `rk_${record.environment}_${record.id}`, expires_at: new Date(record.expiresAt!).toISOString() }, now);
      if (notice === undefined) continue;
      const mark = Math.min(...keyExpiryNoticeDays.filter((days) => notice.days_left < days));
      await options.outbox.enqueue('key.expiring', notice, { tenant: record.tenant, eventId: `evt_key_expiring_${record.id}_${mark}d_${record.expiresAt}` });
      due += 1;
    }
    return due;
  }

  const tick = () => {
    if (running !== undefined) return;
    running = check()
      .catch((error: unknown) => {
        options.onError?.(error);
        return 0;
      })
      .finally(() => (running = undefined));
  };

  return {
    check,
    start() {
      if (timer !== undefined) return;
      timer = setInterval(tick, options.intervalMs ?? 3_600_000);
      timer.unref();
      tick();
    },
    async close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
