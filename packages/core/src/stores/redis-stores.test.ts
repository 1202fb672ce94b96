import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { CounterStore } from './counter-store.js';
import { describeCounterStore } from './counter-store-suite.js';
import { createRedisCounterStore } from './redis-counter-store.js';
import { removeTestKeys } from './redis-test-cleanup.js';
import { createRedisScript } from './redis-script.js';
import type { KeyValueStore } from './key-value-store.js';
import { describeKeyValueStore } from './key-value-store-suite.js';
import { createRedisKeyValueStore } from './redis-key-value-store.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `routekit-test:${randomUUID()}:`;
// The shared Redis serves eight busy sessions here: these suites test semantics, not outages (test/redis-outage.test.ts does).
const timeoutMs = 2000;
const opened: Array<CounterStore | KeyValueStore> = [];

// Each handle opens its own connection, as two gateway instances would.
describeCounterStore('redis', () => {
  const store = createRedisCounterStore({ url, prefix, timeoutMs });
  opened.push(store);
  return store;
});

describeKeyValueStore('redis', () => {
  const store = createRedisKeyValueStore({ url, prefix, timeoutMs });
  opened.push(store);
  return store;
});

describe('redis scripts', () => {
  it('loads a script the server has not seen (NOSCRIPT) and then runs it by its SHA1', async () => {
    const redis = new Redis(url);
    try {
      // A unique comment makes a script no Redis has cached, without flushing anyone else's scripts.
      const script = createRedisScript(redis, `-- ${randomUUID()}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`);
      expect(await script.run([`${prefix}script`], [2])).toBe(2);
      expect(await script.run([`${prefix}script`], [3])).toBe(5);
    } finally {
      await redis.quit();
    }
  });
});

afterAll(() => removeTestKeys(url, prefix, opened));
