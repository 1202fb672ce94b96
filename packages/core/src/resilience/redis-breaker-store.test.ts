import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { breakerStoreSuite } from './breaker-store-suite.js';
import type { BreakerSettings, BreakerStore } from './breaker-store.js';
import { createRedisBreakerStore } from './redis-breaker-store.js';

// The shared Redis of the machine: a unique prefix per run, and only our own keys are deleted.
const prefix = `routekit-test:breaker:${randomUUID()}:`;
const stores: BreakerStore[] = [];
let counter = 0;

function store(): BreakerStore {
  const created = createRedisBreakerStore({ url: 'redis://127.0.0.1:6379', prefix, log: () => {} });
  stores.push(created);
  return created;
}

afterAll(async () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await Promise.all(stores.map((each) => each.close?.()));
});

const settings: BreakerSettings = { bucketMs: 1000, buckets: 10, minimumCalls: 4, failureRateThreshold: 0.5, slowCallRateThreshold: 0.75, openMs: 5000, halfOpenProbes: 2, consecutiveTimeouts: 3 };

describe('redis breaker store', () => {
  it('is shared: what one instance records, another sees and is bounded by', async () => {
    const first = await connected(store());
    const second = await connected(store());
    const target = `openai/shared-${randomUUID()}`;
    for (let call = 0; call < 4; call += 1) await first.record(target, { failed: true, slow: false, probe: false }, 1000, settings);
    expect(await second.views([target], 2000, settings)).toEqual([{ state: 'open', openUntil: 6000 }]);
    const admissions = await Promise.all([first, second, first, second].map((each) => each.admit(target, 6000, settings)));
    expect(admissions.filter((admission) => admission.allowed)).toHaveLength(2);
  });
});

/** Waits until the store answers from Redis (a fresh client connects asynchronously). */
async function connected(created: BreakerStore): Promise<BreakerStore> {
  const marker = `openai/connect-${randomUUID()}`;
  for (let tries = 0; tries < 100; tries += 1) {
    await created.record(marker, { failed: true, slow: false, probe: false }, 0, { ...settings, minimumCalls: 1 });
    const redis = new Redis('redis://127.0.0.1:6379');
    const exists = await redis.exists(prefix + marker);
    redis.disconnect();
    if (exists === 1) return created;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the breaker store never reached Redis');
}

breakerStoreSuite('redis breaker store', () => connected(store()), () => `openai/model-${(counter += 1)}-${randomUUID()}`);

describe('redis breaker store without a Redis', () => {
  it('answers from local state at once and logs the outage once', async () => {
    const lines: string[] = [];
    // Port 9 (discard) is closed on this machine: every connection is refused.
    const unreachable = createRedisBreakerStore({ url: 'redis://127.0.0.1:9', prefix, commandTimeoutMs: 20, log: (line) => lines.push(line) });
    stores.push(unreachable);
    const target = 'openai/no-redis';
    for (let call = 0; call < 4; call += 1) await unreachable.record(target, { failed: true, slow: false, probe: false }, 1000, settings);
    expect(await unreachable.views([target], 2000, settings)).toEqual([{ state: 'open', openUntil: 6000 }]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    for (let call = 0; call < 5; call += 1) await unreachable.admit(target, 2000, settings);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('unreachable');
    expect(lines[0]).not.toContain('127.0.0.1');
  });
});
