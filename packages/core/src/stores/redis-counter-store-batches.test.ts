import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../errors.js';
import type { CounterStore, HeldCounter, ReserveOutcome } from './counter-store.js';
import { createMemoryCounterStore } from './memory-counter-store.js';
import { createRedisCounterStore } from './redis-counter-store.js';
import { removeTestKeys } from './redis-test-cleanup.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `routekit-test:${randomUUID()}:`;
// Semantics, not outages (test/redis-outage.test.ts): a generous timeout for a shared, busy Redis.
const timeoutMs = 2000;
const opened: Array<{ close(): Promise<void> }> = [];

/** A small deterministic generator (mulberry32), so a failing seed can be run again. */
function generator(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * below);
  };
}

type Operation =
  | { kind: 'reserve'; counters: number[]; amount: number; minimum?: number; hold: boolean }
  | { kind: 'adjust'; counter: number; delta: number }
  | { kind: 'settle'; hold: number; used: number }
  | { kind: 'get'; counter: number };

interface Hold {
  id: string;
  counters: HeldCounter[];
}

const ttlMs = 600_000;
// Long enough that no hold lapses during the test: lapsing follows each store's own clock.
const holdMs = 600_000;

/** Runs `operation` on `store`; a hold it takes is appended to `holds` once known. What it answered, with hold ids made comparable. */
async function perform(store: CounterStore, keys: string[], limits: number[], holds: Array<Hold | undefined>, operation: Operation): Promise<unknown> {
  try {
    switch (operation.kind) {
      case 'reserve': {
        const reservations = operation.counters.map((counter) => ({ key: keys[counter]!, amount: operation.amount, limit: limits[counter]!, ttlMs }));
        const slot = holds.length;
        if (operation.hold) holds.push(undefined);
        const outcome: ReserveOutcome = await store.reserve(reservations, { ...(operation.minimum !== undefined && { minimum: operation.minimum }), ...(operation.hold && { holdMs }) });
        if (outcome.hold !== undefined) holds[slot] = { id: outcome.hold, counters: reservations };
        return { ...outcome, ...(outcome.hold !== undefined && { hold: 'a hold' }) };
      }
      case 'adjust':
        return await store.adjust(keys[operation.counter]!, operation.delta, ttlMs);
      case 'settle': {
        const hold = holds[operation.hold];
        if (hold === undefined) return 'no hold';
        return await store.settle!(hold.id, hold.counters, operation.used);
      }
      case 'get':
        return await store.get(keys[operation.counter]!);
    }
  } catch (error) {
    return error instanceof RangeError ? 'RangeError' : error;
  }
}

function generate(random: (below: number) => number, holdsSoFar: number): Operation {
  const choice = random(10);
  if (choice < 5) {
    const counters = [0, 1, 2, 3].filter(() => random(2) === 0);
    if (counters.length === 0) counters.push(random(4));
    // Now and then an amount no store may take (not an integer): refused alone, the rest of the batch goes on.
    const amount = random(25) === 0 ? 1.5 : random(20);
    const flexible = random(5) < 2;
    return { kind: 'reserve', counters, amount, ...(flexible && { minimum: random(amount + 1) }), hold: random(2) === 0 };
  }
  if (choice < 7 && holdsSoFar > 0) return { kind: 'settle', hold: random(holdsSoFar), used: random(20) };
  if (choice < 9) return { kind: 'adjust', counter: random(4), delta: random(21) - 10 };
  return { kind: 'get', counter: random(4) };
}

describe('redis counter store: operations started together go out as one batch', () => {
  it('answers every operation of a batch as the memory store answers the same operations one after another', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const random = generator(seed);
      const memory = createMemoryCounterStore();
      const redis = createRedisCounterStore({ url, prefix: `${prefix}${seed}:`, timeoutMs });
      opened.push(redis);
      const keys = ['w', 'x', 'y', 'z'].map((name) => `${name}:${randomUUID()}`);
      const limits = keys.map(() => 10 + random(50));
      const memoryHolds: Array<Hold | undefined> = [];
      const redisHolds: Array<Hold | undefined> = [];
      for (let round = 0; round < 12; round++) {
        const holdsSoFar = memoryHolds.length;
        const operations = Array.from({ length: 1 + random(15) }, () => generate(random, holdsSoFar));
        const expected: unknown[] = [];
        for (const operation of operations) expected.push(await perform(memory, keys, limits, memoryHolds, operation));
        // Started in one turn of the event loop: one script call runs them all, in this order.
        const actual = await Promise.all(operations.map((operation) => perform(redis, keys, limits, redisHolds, operation)));
        expect(actual, `seed ${seed}, round ${round}: ${JSON.stringify(operations)}`).toEqual(expected);
      }
    }
  }, 60_000);

  it('sends the operations started in one turn as one command, and later ones in a command of their own', async () => {
    const connection = new Redis(url, { enableOfflineQueue: false, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 0 });
    opened.push({ close: async () => connection.disconnect() });
    await new Promise((resolve) => connection.once('ready', resolve));
    let commands = 0;
    const sendCommand = connection.sendCommand.bind(connection);
    connection.sendCommand = ((...args: Parameters<typeof sendCommand>) => {
      if (args[0].name === 'evalsha' || args[0].name === 'eval') commands += 1;
      return sendCommand(...args);
    }) as typeof connection.sendCommand;
    const store = createRedisCounterStore({ redis: connection, prefix, timeoutMs });
    const key = `together:${randomUUID()}`;
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.reserve([{ key, amount: 1, limit: 15, ttlMs }])));
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(15);
    expect(commands).toBe(1);
    expect(await store.get(key)).toBe(15);
    expect(commands).toBe(2);
  });

  it('fails only the operation that Redis refuses, not the others of its batch', async () => {
    const admin = new Redis(url);
    opened.push({ close: async () => void (await admin.quit()) });
    const store = createRedisCounterStore({ url, prefix, timeoutMs, log: () => undefined });
    opened.push(store);
    const [wrong, right] = [`wrong:${randomUUID()}`, `right:${randomUUID()}`];
    // A key of another type: Redis answers WRONGTYPE to the counter's GET.
    await admin.hset(prefix + wrong, 'field', 'value');
    const [refused, taken, adjusted] = await Promise.allSettled([
      store.reserve([{ key: wrong, amount: 1, limit: 10, ttlMs }]),
      store.reserve([{ key: right, amount: 2, limit: 10, ttlMs }]),
      store.adjust(right, 3, ttlMs),
    ]);
    expect(refused.status).toBe('rejected');
    expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    expect(taken).toEqual({ status: 'fulfilled', value: { allowed: true, refusedIndex: -1, counters: [{ key: right, total: 2, limit: 10, remaining: 8 }] } });
    expect(adjusted).toEqual({ status: 'fulfilled', value: 5 });
    expect(await store.get(right)).toBe(5);
  });
});

afterAll(() => removeTestKeys(url, prefix, opened));
