import { assertCounterAmount, flexibleMinimum, reserveOutcome, type CounterReservation, type CounterSnapshot, type CounterStore, type HeldCounter, type ReserveOptions, type ReserveOutcome } from './counter-store.js';

export interface MemoryCounterStoreOptions {
  /** The clock used for expiry, in epoch milliseconds; tests pass a fake one. */
  now?: () => number;
}

interface Hold {
  amount: number;
  expiresAt: number;
}

interface Counter {
  total: number;
  expiresAt: number;
  /** Holds not settled yet, by id; 'lapsed' once their amount was given back, until they are settled. */
  holds?: Map<string, Hold | 'lapsed'>;
  /**
   * No hold of this counter lapses before this time (Infinity when none is live): holds are looked
   * through only once one may have lapsed, not on every access, so an operation stays O(1) however
   * many requests hold budget at once. It may be early (a hold settled since), never late.
   */
  nextLapse: number;
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
  // Hold ids need only be unique within this store (its holds live in this process): a sequence
  // number, not a random UUID, which cost more than the rest of a reservation.
  let holdSequence = 0;

  /** The counter under `key` as of `time`, its expired holds given back; undefined when it does not exist or has expired. */
  function live(key: string, time: number): Counter | undefined {
    const counter = counters.get(key);
    if (counter === undefined) return undefined;
    if (counter.expiresAt <= time) {
      counters.delete(key);
      return undefined;
    }
    // A hold past its time gives its amount back: a settle that never came must not keep budget.
    if (counter.nextLapse <= time) lapseHolds(counter, time);
    return counter;
  }

  function lapseHolds(counter: Counter, time: number): void {
    let nextLapse = Infinity;
    for (const [id, hold] of counter.holds!) {
      if (hold === 'lapsed') continue;
      if (hold.expiresAt > time) {
        if (hold.expiresAt < nextLapse) nextLapse = hold.expiresAt;
        continue;
      }
      counter.total = Math.max(0, counter.total - hold.amount);
      counter.holds!.set(id, 'lapsed');
    }
    counter.nextLapse = nextLapse;
  }

  function sweep(time: number): void {
    // Expired windows would otherwise pile up forever in a long-running gateway.
    for (const [key, counter] of counters) if (counter.expiresAt <= time) counters.delete(key);
  }

  let operations = 0;
  return {
    async reserve(reservations: readonly CounterReservation[], options?: ReserveOptions): Promise<ReserveOutcome> {
      const time = now();
      if (++operations % 1000 === 0) sweep(time);
      const count = reservations.length;
      for (let index = 0; index < count; index++) assertCounterAmount(reservations[index]!.amount, 'amount');
      const minimum = flexibleMinimum(reservations, options);
      const found: Array<Counter | undefined> = new Array(count);
      const totals: number[] = new Array(count);
      for (let index = 0; index < count; index++) {
        const counter = live(reservations[index]!.key, time);
        found[index] = counter;
        totals[index] = counter === undefined ? 0 : counter.total;
      }
      let granted = count > 0 ? reservations[0]!.amount : 0;
      let refusedIndex = -1;
      if (minimum === undefined) {
        for (let index = 0; index < count; index++) {
          const reservation = reservations[index]!;
          if (totals[index]! + reservation.amount > reservation.limit) {
            refusedIndex = index;
            break;
          }
        }
      } else {
        // The tightest counter decides how much every counter takes.
        let tightest = -1;
        for (let index = 0; index < count; index++) {
          const room = reservations[index]!.limit - totals[index]!;
          if (room < granted) {
            granted = room;
            tightest = index;
          }
        }
        if (granted < minimum) refusedIndex = tightest;
      }
      const allowed = refusedIndex === -1;
      const holdMs = options?.holdMs;
      const hold = allowed && holdMs !== undefined && count > 0 ? `h${++holdSequence}` : undefined;
      if (allowed) {
        for (let index = 0; index < count; index++) {
          const reservation = reservations[index]!;
          const amount = minimum === undefined ? reservation.amount : granted;
          // A counter this call found stays live until it returns (one clock reading); one it did
          // not find is looked up again, since an earlier reservation of this call may have made it.
          let counter = found[index] ?? counters.get(reservation.key);
          if (counter === undefined) counters.set(reservation.key, (counter = { total: amount, expiresAt: time + reservation.ttlMs, nextLapse: Infinity }));
          else counter.total += amount;
          if (hold !== undefined) {
            const expiresAt = time + holdMs!;
            (counter.holds ??= new Map()).set(hold, { amount, expiresAt });
            if (expiresAt < counter.nextLapse) counter.nextLapse = expiresAt;
          }
          totals[index] = totals[index]! + amount;
        }
      }
      const snapshots: CounterSnapshot[] = new Array(count);
      for (let index = 0; index < count; index++) {
        const reservation = reservations[index]!;
        const total = totals[index]!;
        snapshots[index] = { key: reservation.key, total, limit: reservation.limit, remaining: Math.max(0, reservation.limit - total) };
      }
      return reserveOutcome(hold, allowed, minimum === undefined ? undefined : allowed ? granted : 0, refusedIndex, snapshots);
    },
    async adjust(key: string, delta: number, ttlMs: number): Promise<number> {
      assertCounterAmount(delta, 'delta');
      const time = now();
      const counter = live(key, time);
      if (counter === undefined) {
        if (delta <= 0) return 0;
        counters.set(key, { total: delta, expiresAt: time + ttlMs, nextLapse: Infinity });
        return delta;
      }
      counter.total += delta;
      return counter.total;
    },
    async settle(hold: string, held: readonly HeldCounter[], used: number): Promise<number[]> {
      assertCounterAmount(used, 'used');
      const time = now();
      const totals: number[] = new Array(held.length);
      for (let index = 0; index < held.length; index++) {
        const counter = live(held[index]!.key, time);
        const state = counter?.holds?.get(hold);
        if (state === undefined) {
          totals[index] = counter?.total ?? 0;
          continue;
        }
        counter!.holds!.delete(hold);
        counter!.total = Math.max(0, counter!.total + used - (state === 'lapsed' ? 0 : state.amount));
        totals[index] = counter!.total;
      }
      return totals;
    },
    async get(key: string): Promise<number> {
      return live(key, now())?.total ?? 0;
    },
    async close(): Promise<void> {
      counters.clear();
    },
  };
}
