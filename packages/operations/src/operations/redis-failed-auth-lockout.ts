import { createHash, randomUUID } from 'node:crypto';
import { createRedisConnection, createRedisScript, createStoreGuard, whenReady } from '@routekit/core';
import { createFailedAuthLockout, type FailedAuthLockout, type LockoutOptions } from './failed-auth-lockout.js';

export interface RedisFailedAuthLockoutOptions extends LockoutOptions {
  /** A Redis URL; defaults to `REDIS_URL` or `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prepended to every key, so several gateways (or test runs) can share one Redis. Default `routekit:`. */
  prefix?: string;
  /** How long an operation may take before Redis is pinged, in ms (see `createStoreGuard`). Default 250. */
  timeoutMs?: number;
  /** After an outage is found, how long calls use the local lockout before one probes Redis again, in ms. Default 1,000. */
  retryAfterFailureMs?: number;
  /** Where the one line per outage and per recovery goes. Default `console.warn`. */
  log?: (message: string) => void;
}

// One failure, atomically: drop the subject's failures older than the window, add this one (its
// member is unique, so two failures in the same millisecond both count), and at `maxFailures` lock
// the subject and start counting afresh. Returns the lock's ms when this failure started it, 0 when
// it renewed a running lock, -1 when the subject is not locked by it.
// KEYS: failures (sorted set of failure times), lock. ARGV: now, member, windowMs, maxFailures, lockMs.
const recordSource = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
redis.call('ZADD', KEYS[1], now, ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  redis.call('DEL', KEYS[1])
  local running = redis.call('PTTL', KEYS[2])
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[5])
  if running > 0 then return 0 end
  return tonumber(ARGV[5])
end
redis.call('PEXPIRE', KEYS[1], windowMs)
return -1
`;

/**
 * The failed-authentication lockout on Redis, so that replicas behind a load balancer count one
 * subject's failures together: `maxFailures` in total lock it on every replica, not per replica.
 * Same rules as `createFailedAuthLockout` (a right key is always admitted; failures during a lock
 * keep counting). Keys are `<prefix>lockout:<sha256 of the subject>`, so a client's text never
 * makes a key of its own length. While Redis is down (logged once per outage), failures are
 * counted in this process's memory: brute-force protection stays, per instance, until Redis answers.
 *
 * @example
 * const lockout = createRedisFailedAuthLockout({ url: process.env.ROUTEKIT_REDIS_URL, prefix: 'routekit:' });
 * const keyManagement = await createKeyManagement({ database, lockout });
 */
export function createRedisFailedAuthLockout(options: RedisFailedAuthLockoutOptions = {}): FailedAuthLockout {
  const timeoutMs = options.timeoutMs ?? 250;
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = Math.max(1, Math.ceil((options.windowSeconds ?? 300) * 1000));
  const lockMs = Math.max(1, Math.ceil((options.lockSeconds ?? 900) * 1000));
  const prefix = `${options.prefix ?? 'routekit:'}lockout:`;
  const redis = createRedisConnection(options.url, timeoutMs);
  const record = createRedisScript(redis, recordSource);
  const local = createFailedAuthLockout(options);
  const guard = createStoreGuard({
    name: 'failed-key lockout on Redis',
    timeoutMs,
    ping: async () => {
      await whenReady(redis);
      return redis.ping();
    },
    ...(options.retryAfterFailureMs !== undefined && { retryAfterFailureMs: options.retryAfterFailureMs }),
    ...(options.log !== undefined && { log: options.log }),
  });
  const keysOf = (subject: string) => {
    const hashed = prefix + createHash('sha256').update(subject).digest('hex').slice(0, 32);
    return [`${hashed}:failures`, `${hashed}:lock`];
  };
  const run = <T>(operation: () => Promise<T>) =>
    guard.run(async () => {
      await whenReady(redis);
      return operation();
    });

  return {
    async lockedFor(subject, now) {
      // A lock this process set during an outage outlasts the outage.
      const locally = await local.lockedFor(subject, now);
      let milliseconds: number;
      try {
        milliseconds = await run(() => redis.pttl(keysOf(subject)[1]!));
      } catch {
        return locally;
      }
      const shared = milliseconds > 0 ? Math.max(1, Math.ceil(milliseconds / 1000)) : null;
      return shared === null ? locally : Math.max(shared, locally ?? 0);
    },
    async recordFailure(subject, now) {
      let reply: number;
      try {
        reply = Number(await run(() => record.run(keysOf(subject), [now, randomUUID(), windowMs, maxFailures, lockMs])));
      } catch {
        return local.recordFailure(subject, now);
      }
      return reply > 0 ? Math.ceil(reply / 1000) : null;
    },
    async close() {
      redis.disconnect();
    },
  };
}
