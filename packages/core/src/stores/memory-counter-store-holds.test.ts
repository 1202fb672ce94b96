import { describe, expect, it } from 'vitest';
import { seededRandom } from '../routing/training/logistic-regression.js';
import { createMemoryCounterStore } from './memory-counter-store.js';

/**
 * The plain model of holds: every hold past its time is given back whenever the counter is read.
 * The store looks through a counter's holds only once one may have lapsed (its `nextLapse`); this
 * checks that it gives back exactly what the model does, whatever the order of reserves, settles
 * and clock ticks.
 */
class HoldModel {
  total = 0;
  holds = new Map<string, { amount: number; expiresAt: number } | 'lapsed'>();
  read(time: number): number {
    for (const [id, hold] of this.holds) {
      if (hold === 'lapsed' || hold.expiresAt > time) continue;
      this.total = Math.max(0, this.total - hold.amount);
      this.holds.set(id, 'lapsed');
    }
    return this.total;
  }
}

describe('memory counter store holds', () => {
  it('gives back lapsed holds exactly as a look through every hold on every read would', async () => {
    const next = seededRandom(7);
    const random = (n: number) => Math.floor(next() * n);
    for (let round = 0; round < 40; round++) {
      let time = 1_000_000;
      const store = createMemoryCounterStore({ now: () => time });
      const model = new HoldModel();
      const holds: Array<{ id: string; settled: boolean }> = [];
      for (let step = 0; step < 500; step++) {
        time += random(4) === 0 ? random(100) : 0;
        const action = random(3);
        if (action === 0) {
          const amount = 1 + random(20);
          const holdMs = random(150);
          const before = model.read(time);
          const outcome = await store.reserve([{ key: 'k', amount, limit: 200, ttlMs: 3_600_000 }], { holdMs });
          expect(outcome.allowed).toBe(before + amount <= 200);
          if (outcome.allowed) {
            model.total += amount;
            model.holds.set(outcome.hold!, { amount, expiresAt: time + holdMs });
            holds.push({ id: outcome.hold!, settled: false });
          }
        } else if (action === 1 && holds.length > 0) {
          const hold = holds[random(holds.length)]!;
          const used = random(25);
          model.read(time);
          const state = model.holds.get(hold.id);
          if (state !== undefined) {
            model.holds.delete(hold.id);
            model.total = Math.max(0, model.total + used - (state === 'lapsed' ? 0 : state.amount));
          }
          expect(await store.settle!(hold.id, [{ key: 'k', ttlMs: 3_600_000 }], used)).toEqual([model.total]);
        } else {
          expect(await store.get('k')).toBe(model.read(time));
        }
      }
    }
  });
});
