import { StoreUnavailableError } from '../errors.js';
import { OperationTimeoutError, withTimeout } from './with-timeout.js';

export interface StoreGuardOptions {
  /** What the store holds, for the one log line per outage, e.g. `limit counters on Redis`. */
  name?: string;
  /**
   * How long an operation may take before the guard asks whether the store is alive, in ms. A
   * slow answer is not an outage: while the store answers its ping, the caller keeps waiting, up
   * to `maxWaitMs`. Default 250.
   */
  timeoutMs?: number;
  /** The longest a caller ever waits for one operation, in ms. Default 4 × `timeoutMs`. */
  maxWaitMs?: number;
  /**
   * A cheap round trip to the store (Redis: PING). A failed ping is the evidence that the store is
   * down; without one, `failuresBeforeOutage` consecutive failures are.
   */
  ping?: () => Promise<unknown>;
  /** Consecutive failed operations that mark the store down even while it answers pings. Default 3. */
  failuresBeforeOutage?: number;
  /** After an outage is found, how long operations fail at once without trying the store, in ms; then one goes through as a probe. Default 1,000. */
  retryAfterFailureMs?: number;
  /** Where the one line per outage and the one per recovery go (never keys, values or URLs). Default `console.warn`. */
  log?: (message: string) => void;
  /** The clock, epoch ms; tests pass a fake one. */
  now?: () => number;
}

/** What to do with an operation's answer that comes after its caller was told the store failed. */
export interface GuardedRunOptions<T> {
  /** Called with the late answer, e.g. to release a reservation the store made for a caller that gave up on it. */
  onLate?: (value: T) => void;
}

/** Runs store operations with a deadline and remembers an outage; see `createStoreGuard`. */
export interface StoreGuard {
  /**
   * Runs `operation`. A failure (other than a RangeError, which is the caller's bug) or no answer
   * while the store does not answer its ping either rejects with a StoreUnavailableError; during
   * an outage calls fail at once, except one probe per `retryAfterFailureMs`.
   */
  run<T>(operation: () => Promise<T>, options?: GuardedRunOptions<T>): Promise<T>;
  /** False from the evidence of an outage until the next operation that succeeds. */
  readonly available: boolean;
}

/**
 * The outage handling every shared store needs, in one place. An outage is decided on evidence: a
 * failed ping, or several failures in a row; never on one slow answer, since a blocked event loop
 * (a long synchronous task, a GC pause, a burst of requests) makes a healthy store's answer late.
 * A caller waits at most `maxWaitMs`; once the store is known to be down, calls fail at once, so a
 * request that touches the store twice still waits one timeout at most, and one line is logged
 * when an outage starts and one when it ends, never one per request. Which way a feature then
 * fails (open or closed) is the feature's decision.
 *
 * @example
 * const guard = createStoreGuard({ name: 'breaker state on Redis', timeoutMs: 100, ping: () => redis.ping() });
 * const value = await guard.run(() => redis.get(key)); // StoreUnavailableError once Redis is shown to be down
 */
export function createStoreGuard(options: StoreGuardOptions = {}): StoreGuard {
  const name = options.name ?? 'shared store';
  const timeoutMs = options.timeoutMs ?? 250;
  const maxWaitMs = Math.max(timeoutMs, options.maxWaitMs ?? timeoutMs * 4);
  const retryAfterMs = options.retryAfterFailureMs ?? 1000;
  const failuresBeforeOutage = options.failuresBeforeOutage ?? 3;
  const log = options.log ?? ((message: string) => console.warn(message));
  const now = options.now ?? Date.now;
  let down = false;
  let downSince = 0;
  let failures = 0;
  let consecutiveFailures = 0;
  let suspendedUntil = 0;
  // One ping answers every caller that wonders at the same moment.
  let pinging: Promise<boolean> | undefined;

  const unavailable = (cause?: unknown) =>
    new StoreUnavailableError(`The ${name} is unavailable.`, { feature: 'store', retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)), cause });

  function alive(): Promise<boolean> {
    if (options.ping === undefined) return Promise.resolve(true);
    // Half of what is left of a caller's wait, so that a failed ping is known before the caller gives up.
    pinging ??= withTimeout(Promise.resolve().then(options.ping), Math.max(timeoutMs / 2, (maxWaitMs - timeoutMs) / 2)).then(
      () => true,
      () => false,
    );
    const current = pinging;
    void current.then(() => {
      if (pinging === current) pinging = undefined;
    });
    return current;
  }

  function fail(error: unknown, outage: boolean): StoreUnavailableError {
    failures += 1;
    consecutiveFailures += 1;
    if (down || outage || consecutiveFailures >= failuresBeforeOutage) {
      suspendedUntil = now() + retryAfterMs;
      if (!down) {
        down = true;
        downSince = now();
        log(`routekit: the ${name} is unavailable (${outageReason(error)}); each feature now fails open or closed as configured (docs/limits.md) until it answers again.`);
      }
    }
    return error instanceof StoreUnavailableError ? error : unavailable(error);
  }

  function succeed(): void {
    consecutiveFailures = 0;
    if (!down) return;
    log(`routekit: the ${name} answers again after ${Math.round((now() - downSince) / 1000)} s; ${failures} operations failed meanwhile.`);
    down = false;
    failures = 0;
  }

  /**
   * The operation's answer, or the reason to give up on it: past `timeoutMs` the store is pinged,
   * and the wait goes on while it answers. A probe during an outage gets `timeoutMs` and no more.
   */
  function answer<T>(pending: Promise<T>, probe: boolean): Promise<{ value: T } | { error: unknown; outage: boolean }> {
    const started = performance.now();
    return withTimeout(pending, timeoutMs).then(
      (value) => ({ value }),
      async (error: unknown) => {
        if (error instanceof RangeError) throw error;
        if (!(error instanceof OperationTimeoutError)) return { error, outage: !(await alive()) };
        if (probe) return { error, outage: true };
        // Made only on this slow path: an Error captures a stack, which cost ~7% of a request's CPU
        // on Redis limits when it was made for every operation (bench/gateway/engine-cpu.ts).
        const timedOut = new OperationTimeoutError(timeoutMs);
        const rest = withTimeout(pending, Math.max(0, maxWaitMs - (performance.now() - started))).then(
          (value) => ({ value }),
          async (late: unknown) => (late instanceof OperationTimeoutError ? { error: timedOut, outage: false } : { error: late, outage: !(await alive()) }),
        );
        // Whichever comes first: the answer, or a failed ping that shows the store is down.
        const pinged = alive().then((isAlive) => (isAlive ? rest : { error: timedOut, outage: true }));
        return Promise.race([rest, pinged]);
      },
    );
  }

  return {
    async run<T>(operation: () => Promise<T>, runOptions?: GuardedRunOptions<T>): Promise<T> {
      if (down && now() < suspendedUntil) {
        failures += 1;
        throw unavailable();
      }
      // While down, the first caller after the pause is the probe; the others keep failing fast.
      const probe = down;
      if (down) suspendedUntil = now() + retryAfterMs;
      const pending = Promise.resolve().then(operation);
      const outcome = await answer(pending, probe);
      if ('value' in outcome) {
        succeed();
        return outcome.value;
      }
      // The store may still carry the operation out and answer after the caller has given up.
      const onLate = runOptions?.onLate;
      pending.then(
        (value) => {
          try {
            onLate?.(value);
          } catch {
            // Giving back what a late answer took is best effort; a hold lapses by itself anyway.
          }
        },
        () => undefined,
      );
      throw fail(outcome.error, outcome.outage);
    },
    get available() {
      return !down;
    },
  };
}

/**
 * Why an operation failed, fit for a log line: an error code (`ECONNREFUSED`) when there is one,
 * else the first line of the message with URLs and host:port addresses taken out, since a URL may
 * carry a password.
 */
function outageReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
  if (!(error instanceof Error)) return 'unknown error';
  return error.message
    .split('\n')[0]!
    .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
    .replace(/\b[\w.-]+:\d{2,5}\b/g, '<address>')
    .slice(0, 120);
}
