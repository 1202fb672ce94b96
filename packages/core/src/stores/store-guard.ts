import { StoreUnavailableError } from '../errors.js';
import { withTimeout } from './with-timeout.js';

export interface StoreGuardOptions {
  /** What the store holds, for the one log line per outage, e.g. `limit counters on Redis`. */
  name?: string;
  /** The longest a caller waits for one store operation, in ms. Default 250. */
  timeoutMs?: number;
  /** After a failure, how long operations fail at once without trying the store, in ms; then one goes through as a probe. Default 1,000. */
  retryAfterFailureMs?: number;
  /** Where the one line per outage and the one per recovery go (never keys, values or URLs). Default `console.warn`. */
  log?: (message: string) => void;
  /** The clock, epoch ms; tests pass a fake one. */
  now?: () => number;
}

/** Runs store operations with a deadline and remembers an outage; see `createStoreGuard`. */
export interface StoreGuard {
  /**
   * Runs `operation`, waiting at most the timeout. A timeout or a failure (other than a
   * RangeError, which is the caller's bug) rejects with a StoreUnavailableError; during an outage
   * calls fail at once, except one probe per `retryAfterFailureMs`.
   */
  run<T>(operation: () => Promise<T>): Promise<T>;
  /** False from a failure until the next operation that succeeds. */
  readonly available: boolean;
}

/**
 * The outage handling every shared store needs, in one place: a deadline per operation, fail-fast
 * while the store is known to be down (so a request that touches the store twice still waits one
 * timeout at most), and one log line when an outage starts and one when it ends, never one per
 * request. Which way a feature then fails (open or closed) is the feature's decision.
 *
 * @example
 * const guard = createStoreGuard({ name: 'breaker state on Redis', timeoutMs: 100 });
 * const value = await guard.run(() => redis.get(key)); // StoreUnavailableError after 100 ms
 */
export function createStoreGuard(options: StoreGuardOptions = {}): StoreGuard {
  const name = options.name ?? 'shared store';
  const timeoutMs = options.timeoutMs ?? 250;
  const retryAfterMs = options.retryAfterFailureMs ?? 1000;
  const log = options.log ?? ((message: string) => console.warn(message));
  const now = options.now ?? Date.now;
  let down = false;
  let downSince = 0;
  let failures = 0;
  let suspendedUntil = 0;

  const unavailable = (cause?: unknown) =>
    new StoreUnavailableError(`The ${name} is unavailable.`, { feature: 'store', retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)), cause });

  function fail(error: unknown): StoreUnavailableError {
    failures += 1;
    suspendedUntil = now() + retryAfterMs;
    if (!down) {
      down = true;
      downSince = now();
      log(`routekit: the ${name} is unavailable (${outageReason(error)}); each feature now fails open or closed as configured (docs/limits.md) until it answers again.`);
    }
    return error instanceof StoreUnavailableError ? error : unavailable(error);
  }

  return {
    async run<T>(operation: () => Promise<T>): Promise<T> {
      if (down && now() < suspendedUntil) {
        failures += 1;
        throw unavailable();
      }
      // While down, the first caller after the pause is the probe; the others keep failing fast.
      if (down) suspendedUntil = now() + retryAfterMs;
      let value: T;
      try {
        value = await withTimeout(operation(), timeoutMs);
      } catch (error) {
        if (error instanceof RangeError) throw error;
        throw fail(error);
      }
      if (down) {
        log(`routekit: the ${name} answers again after ${Math.round((now() - downSince) / 1000)} s; ${failures} operations failed meanwhile.`);
        down = false;
        failures = 0;
      }
      return value;
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
