import type { AuditEventInput, AuditLog } from './sql-audit-log.js';

export interface AuditThrottleOptions {
  audit: AuditLog;
  /** One row per series per window; the rest are counted. Default 60 seconds. */
  windowSeconds?: number;
  /** Series tracked at once; the oldest are closed first. Default 10,000. */
  maxSeries?: number;
  now?: () => number;
}

/** Appends repeated refusals as one row per series and window, plus one row with the count of the rest. */
export interface AuditThrottle {
  /** Appends `event` when it opens a window of its `series`, else counts it. */
  append(series: string, event: AuditEventInput): Promise<void>;
  /** Writes the counts of every open window (on shutdown, and every window by itself). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Bounds the audit rows refusals write: a caller hammering the admin API with the wrong key (1,000
 * refusals in 2 s) writes the first refusal of each minute as it happens, and one row with
 * `detail.repeated` (how many more) when that minute is over, instead of 1,000 rows. The series
 * names what is counted together, e.g. `admin.denied|<address>|<key id>`.
 *
 * @example
 * const throttle = createAuditThrottle({ audit });
 * await throttle.append(`admin.denied|${address}`, { type: 'admin.denied', actor, address });
 */
export function createAuditThrottle(options: AuditThrottleOptions): AuditThrottle {
  const { audit } = options;
  const windowMs = (options.windowSeconds ?? 60) * 1000;
  const maxSeries = options.maxSeries ?? 10_000;
  const clock = options.now ?? Date.now;
  const open = new Map<string, { started: number; event: AuditEventInput; repeated: number }>();


  type Window = { started: number; event: AuditEventInput; repeated: number };

  async function close(series: string): Promise<void> {
    const window = open.get(series);
    if (window === undefined) return;
    open.delete(series);
    await summarise(window);
  }

  async function summarise(window: Window): Promise<void> {
    if (window.repeated === 0) return;
    await audit.append({ ...window.event, detail: { ...window.event.detail, repeated: window.repeated, window_start: new Date(window.started).toISOString(), window_seconds: windowMs / 1000 } });
  }

  async function flush(expiredOnly = false): Promise<void> {
    const now = clock();
    for (const [series, window] of [...open]) if (!expiredOnly || window.started + windowMs <= now) await close(series);
  }

  const timer = setInterval(() => void flush(true).catch(() => undefined), windowMs);
  timer.unref();

  return {
    async append(series, event) {
      const now = clock();
      const previous = open.get(series);
      if (previous !== undefined && previous.started + windowMs > now) {
        previous.repeated += 1;
        return;
      }
      // The new window is open before any await, so refusals arriving together count into it.
      open.delete(series);
      open.set(series, { started: now, event, repeated: 0 });
      const evicted = open.size > maxSeries ? open.keys().next().value! : undefined;
      if (previous !== undefined) await summarise(previous);
      if (evicted !== undefined) await close(evicted);
      await audit.append(event);
    },
    flush: () => flush(false),
    async close() {
      clearInterval(timer);
      await flush(false);
    },
  };
}
