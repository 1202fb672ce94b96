import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createFailedAuthLockout, type FailedAuthLockout, type LockoutOptions } from './failed-auth-lockout.js';
import { createRedisFailedAuthLockout } from './redis-failed-auth-lockout.js';

// The same rules in process memory and on Redis (the test Redis on 127.0.0.1:6379, a prefix per run).
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = randomUUID().slice(0, 8);
const opened: FailedAuthLockout[] = [];
const redisLockout = (options: LockoutOptions, prefix = `routekit-test:lockout-${run}-${randomUUID().slice(0, 8)}:`) => {
  const lockout = createRedisFailedAuthLockout({ ...options, url: redisUrl, prefix });
  opened.push(lockout);
  return lockout;
};
afterAll(async () => {
  await Promise.all(opened.map((lockout) => lockout.close?.()));
});

/** Polls until `done` holds, for at most `limitMs`. */
async function eventually(done: () => Promise<boolean>, limitMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return done();
}

describe.each([
  { name: 'in memory', make: (options: LockoutOptions) => createFailedAuthLockout(options) },
  { name: 'on Redis', make: (options: LockoutOptions) => redisLockout(options) },
])('failed-attempt lockout $name', ({ make }) => {
  it('locks a subject after N failures within the window, says so once, and forgets failures older than the window', async () => {
    const lockout = make({ maxFailures: 3, windowSeconds: 60, lockSeconds: 120 });
    const base = Date.now();
    expect(await lockout.recordFailure('address:10.0.0.1', base)).toBeNull();
    // The first failure is out of the window by then: two more are not yet three.
    expect(await lockout.recordFailure('address:10.0.0.1', base + 70_000)).toBeNull();
    expect(await lockout.recordFailure('address:10.0.0.1', base + 80_000)).toBeNull();
    expect(await lockout.lockedFor('address:10.0.0.1', base + 80_000)).toBeNull();
    expect(await lockout.recordFailure('address:10.0.0.1', base + 90_000)).toBe(120);
    expect(await lockout.lockedFor('address:10.0.0.1', base + 90_000)).toBe(120);
    expect(await lockout.lockedFor('address:10.0.0.2', base + 90_000)).toBeNull();
    expect(await lockout.lockedFor('key:k1', base + 90_000)).toBeNull();
  });

  it('keeps counting failures during a lock without announcing a new lock', async () => {
    const lockout = make({ maxFailures: 2, windowSeconds: 60, lockSeconds: 120 });
    const now = Date.now();
    expect(await lockout.recordFailure('key:k2', now)).toBeNull();
    expect(await lockout.recordFailure('key:k2', now)).toBe(120);
    // Two failures in the same millisecond both count, and the third and fourth renew the lock silently.
    expect(await lockout.recordFailure('key:k2', now + 1)).toBeNull();
    expect(await lockout.recordFailure('key:k2', now + 1)).toBeNull();
    expect(await lockout.lockedFor('key:k2', now + 1)).toBeGreaterThan(0);
  });

  it('lets a lock end after its time', async () => {
    const lockout = make({ maxFailures: 1, windowSeconds: 60, lockSeconds: 0.3 });
    expect(await lockout.recordFailure('address:10.0.0.3', Date.now())).toBe(1);
    expect(await lockout.lockedFor('address:10.0.0.3', Date.now())).toBe(1);
    expect(await eventually(async () => (await lockout.lockedFor('address:10.0.0.3', Date.now())) === null)).toBe(true);
  });
});

describe('failed-attempt lockout shared on Redis', () => {
  it('adds up the failures two instances see into one lock that both enforce', async () => {
    const prefix = `routekit-test:lockout-${run}-shared:`;
    const first = redisLockout({ maxFailures: 4, windowSeconds: 60, lockSeconds: 120 }, prefix);
    const second = redisLockout({ maxFailures: 4, windowSeconds: 60, lockSeconds: 120 }, prefix);
    const now = Date.now();
    const started = [await first.recordFailure('address:192.0.2.7', now), await second.recordFailure('address:192.0.2.7', now), await first.recordFailure('address:192.0.2.7', now)];
    expect(started).toEqual([null, null, null]);
    expect(await first.lockedFor('address:192.0.2.7', now)).toBeNull();
    expect(await second.recordFailure('address:192.0.2.7', now)).toBe(120);
    expect(await first.lockedFor('address:192.0.2.7', now)).toBe(120);
    expect(await second.lockedFor('address:192.0.2.7', now)).toBe(120);
    // A lockout in memory beside them, as each replica had before, has seen none of it.
    expect(await createFailedAuthLockout({ maxFailures: 4 }).lockedFor('address:192.0.2.7', now)).toBeNull();
  });

  it('keys every subject by its hash, so a client’s text never becomes a key of its own length', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl);
    try {
      const prefix = `routekit-test:lockout-${run}-keys:`;
      const lockout = redisLockout({ maxFailures: 5 }, prefix);
      await lockout.recordFailure(`key:${'x'.repeat(10_000)}`, Date.now());
      const keys = await redis.keys(`${prefix}*`);
      expect(keys).toHaveLength(1);
      expect(keys[0]!.length).toBeLessThan(prefix.length + 50);
    } finally {
      redis.disconnect();
    }
  });

  it('counts in this process while Redis is unreachable, and logs the outage once', async () => {
    const lines: string[] = [];
    const lockout = createRedisFailedAuthLockout({ url: 'redis://127.0.0.1:1', maxFailures: 3, windowSeconds: 60, lockSeconds: 120, log: (line) => lines.push(line) });
    opened.push(lockout);
    const now = Date.now();
    expect(await lockout.recordFailure('address:10.9.9.9', now)).toBeNull();
    expect(await lockout.recordFailure('address:10.9.9.9', now)).toBeNull();
    expect(await lockout.recordFailure('address:10.9.9.9', now)).toBe(120);
    expect(await lockout.lockedFor('address:10.9.9.9', now)).toBe(120);
    expect(await lockout.lockedFor('address:10.9.9.8', now)).toBeNull();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/failed-key lockout on Redis is unavailable/);
  });
});
