import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

let ioredis: typeof import('ioredis') | undefined;

/**
 * ioredis, loaded when a store first makes a connection: it adds about 15 MB to a process, which
 * every app that imports routekit but keeps its state in memory would otherwise carry.
 */
export function loadIoredis(): typeof import('ioredis') {
  ioredis ??= createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
  return ioredis;
}

/**
 * An ioredis client for a store: it never queues commands while disconnected, never replays a
 * command after a reconnect (a reservation the caller already gave up on must not land later),
 * drops a command a silent server never answers, reconnects in the background, and reports errors to
 * the store's calls instead of printing a stack per reconnect attempt. It connects on first use.
 */
export function createRedisConnection(url: string | undefined, timeoutMs: number): Redis {
  const redis = new (loadIoredis().Redis)(url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    // Well after the store guard has given up (its longest wait is 4 timeouts): this one only clears
    // commands a silent server will never answer out of the client's queue, and an answer that
    // comes later than the guard's wait is still read (a late reservation is then released).
    commandTimeout: Math.max(timeoutMs * 20, 5000),
    connectTimeout: Math.max(timeoutMs, 1000),
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Without a listener, ioredis prints every connection error with its stack; the store guard logs an outage once.
  redis.on('error', () => undefined);
  return redis;
}

// One pending wait per client, so that calls during a long outage do not pile up listeners.
const readiness = new WeakMap<Redis, Promise<void>>();

/**
 * Resolves once the client is ready, starting a lazy connection if needed; rejects on the next
 * connection error, and at once while the client waits to reconnect. Callers bound the wait (the
 * store guard's timeout).
 */
export function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  // Between reconnect attempts nothing is coming soon: fail now, ioredis keeps retrying in the background.
  if (redis.status === 'reconnecting' || redis.status === 'close') return Promise.reject(new Error(`connection ${redis.status}`));
  if (redis.status === 'end') return Promise.reject(new Error('connection closed'));
  let pending = readiness.get(redis);
  if (pending === undefined) {
    if (redis.status === 'wait') redis.connect().catch(() => undefined);
    pending = once(redis, 'ready').then(() => undefined);
    const forget = () => readiness.delete(redis);
    pending.then(forget, forget);
    readiness.set(redis, pending);
  }
  return pending;
}
