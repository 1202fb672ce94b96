import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CounterStore } from './counter-store.js';

/**
 * The behaviour every CounterStore must have, as one vitest suite. `open` returns a handle on the
 * same shared state each time it is called: a new connection for Redis, the same object in memory.
 */
export function describeCounterStore(name: string, open: () => CounterStore): void {
  describe(`${name} counter store`, () => {
    const key = (label: string) => `${label}:${randomUUID()}`;
    const minute = 61_000;

    it('adds within the limit and reports total and remaining', async () => {
      const store = open();
      const counter = key('within');
      const first = await store.reserve([{ key: counter, amount: 3, limit: 5, ttlMs: minute }]);
      expect(first).toEqual({ allowed: true, refusedIndex: -1, counters: [{ key: counter, total: 3, limit: 5, remaining: 2 }] });
      const second = await store.reserve([{ key: counter, amount: 2, limit: 5, ttlMs: minute }]);
      expect(second.counters[0]).toMatchObject({ total: 5, remaining: 0 });
      expect(await store.get(counter)).toBe(5);
    });

    it('refuses an amount that would pass the limit and leaves the total unchanged', async () => {
      const store = open();
      const counter = key('refuse');
      await store.reserve([{ key: counter, amount: 4, limit: 5, ttlMs: minute }]);
      const outcome = await store.reserve([{ key: counter, amount: 2, limit: 5, ttlMs: minute }]);
      expect(outcome.allowed).toBe(false);
      expect(outcome.refusedIndex).toBe(0);
      expect(outcome.counters[0]).toMatchObject({ total: 4, remaining: 1 });
      expect(await store.get(counter)).toBe(4);
    });

    it('reserves several counters all or nothing', async () => {
      const store = open();
      const [a, b] = [key('a'), key('b')];
      await store.reserve([{ key: b, amount: 9, limit: 10, ttlMs: minute }]);
      const outcome = await store.reserve([
        { key: a, amount: 2, limit: 10, ttlMs: minute },
        { key: b, amount: 2, limit: 10, ttlMs: minute },
      ]);
      expect(outcome.allowed).toBe(false);
      expect(outcome.refusedIndex).toBe(1);
      expect(await store.get(a)).toBe(0);
      expect(await store.get(b)).toBe(9);
      const fits = await store.reserve([
        { key: a, amount: 2, limit: 10, ttlMs: minute },
        { key: b, amount: 1, limit: 10, ttlMs: minute },
      ]);
      expect(fits.allowed).toBe(true);
      expect(fits.counters.map((counter) => counter.total)).toEqual([2, 10]);
    });

    it('adjusts a counter up and down to settle a reservation', async () => {
      const store = open();
      const counter = key('adjust');
      await store.reserve([{ key: counter, amount: 1000, limit: 5000, ttlMs: minute }]);
      expect(await store.adjust(counter, -700, minute)).toBe(300);
      expect(await store.adjust(counter, 50, minute)).toBe(350);
      expect(await store.get(counter)).toBe(350);
    });

    it('does not create a negative counter from a refund whose window is gone', async () => {
      const store = open();
      const counter = key('gone');
      expect(await store.adjust(counter, -5, minute)).toBe(0);
      expect(await store.get(counter)).toBe(0);
      expect(await store.adjust(counter, 5, minute)).toBe(5);
    });

    it('forgets a counter after its time to live', async () => {
      const store = open();
      const counter = key('ttl');
      await store.reserve([{ key: counter, amount: 1, limit: 1, ttlMs: 40 }]);
      expect((await store.reserve([{ key: counter, amount: 1, limit: 1, ttlMs: 40 }])).allowed).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await store.get(counter)).toBe(0);
      expect((await store.reserve([{ key: counter, amount: 1, limit: 1, ttlMs: 40 }])).allowed).toBe(true);
    });

    it('with a minimum, takes as much as the tightest counter has room for, the same on every counter', async () => {
      const store = open();
      const [a, b] = [key('flex-a'), key('flex-b')];
      await store.reserve([{ key: a, amount: 60, limit: 100, ttlMs: minute }]);
      await store.reserve([{ key: b, amount: 70, limit: 100, ttlMs: minute }]);
      const outcome = await store.reserve(
        [
          { key: a, amount: 50, limit: 100, ttlMs: minute },
          { key: b, amount: 50, limit: 100, ttlMs: minute },
        ],
        { minimum: 10 },
      );
      expect(outcome).toMatchObject({ allowed: true, granted: 30, refusedIndex: -1 });
      expect(outcome.counters.map((counter) => counter.total)).toEqual([90, 100]);
      // A full amount that fits is granted whole.
      expect(await store.reserve([{ key: a, amount: 5, limit: 100, ttlMs: minute }], { minimum: 1 })).toMatchObject({ allowed: true, granted: 5 });
    });

    it('with a minimum, refuses when even the minimum does not fit and names the tightest counter', async () => {
      const store = open();
      const [a, b] = [key('floor-a'), key('floor-b')];
      await store.reserve([{ key: b, amount: 95, limit: 100, ttlMs: minute }]);
      const outcome = await store.reserve(
        [
          { key: a, amount: 50, limit: 100, ttlMs: minute },
          { key: b, amount: 50, limit: 100, ttlMs: minute },
        ],
        { minimum: 6 },
      );
      expect(outcome).toMatchObject({ allowed: false, granted: 0, refusedIndex: 1 });
      expect([await store.get(a), await store.get(b)]).toEqual([0, 95]);
      await expect(store.reserve([{ key: a, amount: 5, limit: 9, ttlMs: minute }, { key: b, amount: 4, limit: 9, ttlMs: minute }], { minimum: 1 })).rejects.toThrow(RangeError);
    });

    it('never passes the limit with 200 concurrent shortened reservations over two handles', async () => {
      const [first, second] = [open(), open()];
      const counter = key('flex-race');
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? first : second).reserve([{ key: counter, amount: 10, limit: 1005, ttlMs: minute }], { minimum: 3 })),
      );
      const granted = outcomes.reduce((sum, outcome) => sum + (outcome.granted ?? 0), 0);
      expect(await first.get(counter)).toBe(granted);
      // 100 full grants, one of 5, and every later one refused.
      expect(granted).toBe(1005);
      expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(101);
    });

    it('gives a hold that is never settled back by itself, and counts what a late settle says was used', async () => {
      const store = open();
      const counter = key('hold-lapse');
      const held = await store.reserve([{ key: counter, amount: 7, limit: 10, ttlMs: minute }], { holdMs: 40 });
      expect(held).toMatchObject({ allowed: true, hold: expect.any(String) });
      expect(await store.get(counter)).toBe(7);
      expect((await store.reserve([{ key: counter, amount: 5, limit: 10, ttlMs: minute }])).allowed).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await store.get(counter)).toBe(0);
      expect((await store.reserve([{ key: counter, amount: 5, limit: 10, ttlMs: minute }])).allowed).toBe(true);
      expect(await store.settle!(held.hold!, [{ key: counter, ttlMs: minute }], 3)).toEqual([8]);
      // Settled once: a second settle of the same hold changes nothing.
      expect(await store.settle!(held.hold!, [{ key: counter, ttlMs: minute }], 3)).toEqual([8]);
    });

    it('settles a hold on every counter to what was used, once', async () => {
      const store = open();
      const [a, b] = [key('settle-a'), key('settle-b')];
      const held = await store.reserve(
        [
          { key: a, amount: 100, limit: 1000, ttlMs: minute },
          { key: b, amount: 100, limit: 150, ttlMs: minute },
        ],
        { minimum: 10, holdMs: 60_000 },
      );
      expect(held).toMatchObject({ allowed: true, granted: 100 });
      expect(await store.settle!(held.hold!, [{ key: a, ttlMs: minute }, { key: b, ttlMs: minute }], 30)).toEqual([30, 30]);
      expect(await store.settle!(held.hold!, [{ key: a, ttlMs: minute }, { key: b, ttlMs: minute }], 30)).toEqual([30, 30]);
      // A refused reservation takes no hold.
      expect(await store.reserve([{ key: b, amount: 200, limit: 150, ttlMs: minute }], { holdMs: 60_000 })).not.toHaveProperty('hold');
    });

    it('rejects amounts that are not integers', async () => {
      const store = open();
      await expect(store.reserve([{ key: key('float'), amount: 0.5, limit: 1, ttlMs: minute }])).rejects.toThrow(RangeError);
    });

    it('admits exactly the limit from 200 concurrent reservations over two handles', async () => {
      const [first, second] = [open(), open()];
      const counter = key('race');
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? first : second).reserve([{ key: counter, amount: 1, limit: 100, ttlMs: minute }])),
      );
      expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(100);
      expect(await first.get(counter)).toBe(100);
    });
  });
}
