import { randomUUID } from 'node:crypto';
import { assertCounterAmount, flexibleMinimum, type CounterReservation, type CounterStore, type HeldCounter, type ReserveOptions, type ReserveOutcome } from './counter-store.js';

export interface MemoryCounterStoreOptions {
  /** The clock used for expiry, in epoch milliseconds; tests pass a fake one. */
  now?: () => number;
}

interface Counter {
  total: number;
  expiresAt: number;
  /** Holds not settled yet, by id; 'lapsed' once their amount was given back, until they are settled. */
  holds?: Map<string, { amount: number; expiresAt: number } | 'lapsed'>;
}

/**
 * The default counter store: one process, no dependencies. Every method body runs without an
 * `await` before it mutates, so on one event loop each call is atomic.
 *
 * @example
 * const store = createMemoryCounterStore();
 * await store.reserve([{ key: 'rpm:1', amount: 1, limit: 100, ttlMs: 61_000 }]);
 */
export function createMemoryCounterStore(options: MemoryCounterStoreOptions = {}): CounterStore {
  const now = options.now ?? Date.now;
  const counters = new Map<string, Counter>();

  function live(key: string): Counter | undefined {
    const counter = counters.get(key);
    if (counter !== undefined && counter.expiresAt <= now()) {
      counters.delete(key);
      return undefined;
    }
    // A hold past its time gives its amount back: a settle that never came must not keep budget.
    if (counter?.holds !== undefined) {
      const time = now();
      for (const [id, hold] of counter.holds) {
        if (hold === 'lapsed' || hold.expiresAt > time) continue;
        counter.total = Math.max(0, counter.total - hold.amount);
        counter.holds.set(id, 'lapsed');
      }
    }
    return counter;
  }

  function sweep(): void {
    // Expired windows would otherwise pile up forever in a long-running gateway.
    const time = now();
    for (const [key, counter] of counters) if (counter.expiresAt <= time) counters.delete(key);
  }

  let operations = 0;
  return {
    async reserve(reservations: readonly CounterReservation[], options?: ReserveOptions): Promise<ReserveOutcome> {
      if (++operations % 1000 === 0) sweep();
      for (const reservation of reservations) assertCounterAmount(reservation.amount, 'amount');
      const minimum = flexibleMinimum(reservations, options);
      const totals = reservations.map((reservation) => live(reservation.key)?.total ?? 0);
      let granted = reservations[0]?.amount ?? 0;
      let refusedIndex: number;
      if (minimum === undefined) {
        refusedIndex = reservations.findIndex((reservation, index) => totals[index]! + reservation.amount > reservation.limit);
      } else {
        // The tightest counter decides how much every counter takes.
        let tightest = -1;
        reservations.forEach((reservation, index) => {
          const room = reservation.limit - totals[index]!;
          if (room < granted) [granted, tightest] = [room, index];
        });
        refusedIndex = granted < minimum ? tightest : -1;
      }
      const allowed = refusedIndex === -1;
      const hold = allowed && options?.holdMs !== undefined && reservations.length > 0 ? randomUUID() : undefined;
      if (allowed) {
        reservations.forEach((reservation, index) => {
          const amount = minimum === undefined ? reservation.amount : granted;
          let counter = live(reservation.key);
          if (counter === undefined) counters.set(reservation.key, (counter = { total: amount, expiresAt: now() + reservation.ttlMs }));
          else counter.total += amount;
          if (hold !== undefined) (counter.holds ??= new Map()).set(hold, { amount, expiresAt: now() + options!.holdMs! });
          totals[index] = totals[index]! + amount;
        });
      }
      return {
        ...(hold !== undefined && { hold }),
        allowed,
        ...(minimum !== undefined && { granted: allowed ? granted : 0 }),
        refusedIndex,
        counters: reservations.map((reservation, index) => ({
          key: reservation.key,
          total: totals[index]!,
          limit: reservation.limit,
          remaining: Math.max(0, reservation.limit - totals[index]!),
        })),
      };
    },
    async adjust(key: string, delta: number, ttlMs: number): Promise<number> {
      assertCounterAmount(delta, 'delta');
      const counter = live(key);
      if (counter === undefined) {
        if (delta <= 0) return 0;
        counters.set(key, { total: delta, expiresAt: now() + ttlMs });
        return delta;
      }
      counter.total += delta;
      return counter.total;
    },
    async settle(hold: string, held: readonly HeldCounter[], used: number): Promise<number[]> {
      assertCounterAmount(used, 'used');
      return held.map(({ key }) => {
        const counter = live(key);
        const state = counter?.holds?.get(hold);
        if (state === undefined) return counter?.total ?? 0;
        counter!.holds!.delete(hold);
        counter!.total = Math.max(0, counter!.total + used - (state === 'lapsed' ? 0 : state.amount));
        return counter!.total;
      });
    },
    async get(key: string): Promise<number> {
      return live(key)?.total ?? 0;
    },
    async close(): Promise<void> {
      counters.clear();
    },
  };
}
