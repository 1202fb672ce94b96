import type { Redis } from 'ioredis';
import { loadIoredis } from '../stores/redis-connection.js';
import { createRedisScript } from '../stores/redis-script.js';
import type { Admission, BreakerSettings, BreakerStore, BreakerView, CircuitState } from './breaker-store.js';
import { createMemoryBreakerStore } from './memory-breaker-store.js';
import { admitSource, recordSource } from './redis-breaker-scripts.js';

export interface RedisBreakerStoreOptions {
  /** A connected ioredis client; the store then leaves closing it to the caller. Give it short timeouts of its own. */
  redis?: Redis;
  /** A Redis URL to connect to when no client is given; defaults to `REDIS_URL` or `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prepended to every key, so several apps (or test runs) can share one Redis. Default `routekit:breaker:`. */
  prefix?: string;
  /** Longest wait for one Redis command before the instance uses its own state, in ms. Default 100. */
  commandTimeoutMs?: number;
  /** After a failed command, how long to use local state before trying Redis again, in ms. Default 1,000. */
  retryAfterFailureMs?: number;
  /** Where the one line per outage (and per recovery) goes. Default `console.warn`. */
  log?: (message: string) => void;
}

const states: CircuitState[] = ['closed', 'open', 'half_open'];
const failedStatuses = new Set(['reconnecting', 'close', 'end']);

/**
 * Breaker state on Redis, so that every gateway instance skips the same open endpoints and the
 * half-open probes are bounded across all of them. Redis is never on the critical path: each
 * command has a short timeout, every outcome is also counted locally, and while Redis cannot be
 * reached the instance decides on its own state (logged once per outage) and traffic goes on.
 *
 * @example
 * const engine = new Engine({ call, resilience: { breakerStore: createRedisBreakerStore({ url: 'redis://127.0.0.1:6379' }) } });
 */
export function createRedisBreakerStore(options: RedisBreakerStoreOptions = {}): BreakerStore {
  const timeoutMs = options.commandTimeoutMs ?? 100;
  const owned = options.redis === undefined;
  const redis =
    options.redis ??
    new (loadIoredis().Redis)(options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      // Fail fast instead of queueing while disconnected: the local state answers meanwhile.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      connectTimeout: Math.max(timeoutMs, 500),
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
  // An unhandled 'error' event would crash the process; the outage is reported by the calls below.
  redis.on('error', () => {});
  const prefix = options.prefix ?? 'routekit:breaker:';
  const log = options.log ?? ((message: string) => console.warn(message));
  const retryAfterMs = options.retryAfterFailureMs ?? 1000;
  const local = createMemoryBreakerStore();
  const admitScript = createRedisScript(redis, admitSource);
  const recordScript = createRedisScript(redis, recordSource);
  let suspendedUntil = 0;
  let down = false;
  let everReady = false;

  /** Runs `remote` on Redis, or answers from local state while Redis is unreachable. */
  async function withRedis<T>(remote: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (redis.status === 'ready') everReady = true;
    // A Redis that never came up is an outage too, once a connection attempt has failed.
    else if (everReady || failedStatuses.has(redis.status)) markDown(`connection ${redis.status}`);
    if (redis.status !== 'ready' || Date.now() < suspendedUntil) return fallback();
    try {
      const value = await withTimeout(remote(), timeoutMs);
      if (down) {
        down = false;
        log('routekit: circuit breaker state on Redis is reachable again; instances share it again.');
      }
      return value;
    } catch (error) {
      suspendedUntil = Date.now() + retryAfterMs;
      markDown(error instanceof Error ? error.message.slice(0, 120) : 'unknown error');
      return fallback();
    }
  }

  function markDown(reason: string): void {
    if (down) return;
    down = true;
    log(`routekit: circuit breaker state on Redis is unreachable (${reason}); this instance uses its own state until it is back.`);
  }

  const ttlMs = (settings: BreakerSettings) => settings.bucketMs * settings.buckets + settings.openMs * 2;

  return {
    shared: true,
    views(endpoints, now, settings) {
      return withRedis(
        async () => {
          const pipeline = redis.pipeline();
          for (const endpoint of endpoints) pipeline.hmget(prefix + endpoint, 'st', 'oa');
          const results = (await pipeline.exec()) ?? [];
          return results.map(([error, fields]): BreakerView => {
            if (error) throw error;
            const [state, openedAt] = (fields as (string | null)[]).map((value) => Number(value ?? 0));
            return viewOf(state!, openedAt!, now, settings);
          });
        },
        () => local.views(endpoints, now, settings),
      );
    },
    admit(endpoint, now, settings) {
      return withRedis(
        async (): Promise<Admission> => {
          const [allowed, probe, state] = (await admitScript.run([prefix + endpoint], [now, settings.openMs, settings.halfOpenProbes, ttlMs(settings)])) as number[];
          return { allowed: allowed === 1, probe: probe === 1, state: states[state!]! };
        },
        () => local.admit(endpoint, now, settings),
      );
    },
    async record(endpoint, outcome, now, settings) {
      // Counted locally too, so that an outage starts from this instance's recent history, not from nothing.
      const localView = await local.record(endpoint, outcome, now, settings);
      return withRedis(
        async () => {
          const args = [now, flag(outcome.failed), flag(outcome.slow), flag(outcome.probe), settings.bucketMs, settings.buckets, settings.minimumCalls, settings.failureRateThreshold, settings.slowCallRateThreshold, ttlMs(settings), flag(outcome.timedOut === true), settings.consecutiveTimeouts];
          const [state, openedAt] = (await recordScript.run([prefix + endpoint], args)) as number[];
          return viewOf(state!, openedAt!, now, settings);
        },
        async () => localView,
      );
    },
    async close() {
      if (owned) redis.disconnect();
    },
  };
}

function viewOf(state: number, openedAt: number, now: number, settings: BreakerSettings): BreakerView {
  if (state === 0) return { state: 'closed', openUntil: null };
  if (state === 1 && now < openedAt + settings.openMs) return { state: 'open', openUntil: openedAt + settings.openMs };
  return { state: 'half_open', openUntil: null };
}

function flag(value: boolean): number {
  return value ? 1 : 0;
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${milliseconds} ms`)), milliseconds);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
