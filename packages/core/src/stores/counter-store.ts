/** One counter to reserve against: `amount` is added only if the total stays within `limit`. */
export interface CounterReservation {
  /** The full key of the counter, window included (e.g. `rl:key:abc:rpm:29334120`). */
  key: string;
  /** A non-negative safe integer (requests, tokens, micro-dollars). */
  amount: number;
  /** The highest total allowed. */
  limit: number;
  /** How long the counter lives after its first use; a window's length plus some slack. */
  ttlMs: number;
}

/** A counter's total as the store saw it during a reservation. */
export interface CounterSnapshot {
  key: string;
  /** The total after the reservation if it was allowed, else the total that refused it. */
  total: number;
  limit: number;
  /** `limit - total`, never below 0. */
  remaining: number;
}

/** How a reservation may be shortened to fit. */
export interface ReserveOptions {
  /**
   * Take less than the amount when that is all that fits, but at least `minimum`: every counter
   * then takes the same amount, the largest that keeps all of them within their limits (so every
   * reservation of the call must have the same amount). Without it a reservation is all or nothing.
   */
  minimum?: number;
  /**
   * Make the reservation a hold that lapses after this many ms unless settled with `settle`: the
   * store then gives its amount back by itself, so a settle that never comes (a crash, a store
   * outage at the wrong moment) cannot keep budget for the rest of a window. The outcome then
   * carries the hold's id. Stores without `settle` ignore it.
   */
  holdMs?: number;
}

/** The counters a hold was taken on, for `settle`. */
export interface HeldCounter {
  key: string;
  /** The counter's time to live, as given to `reserve`. */
  ttlMs: number;
}

export interface ReserveOutcome {
  /** True when every counter took its amount (or, with a minimum, its granted amount); false when none did. */
  allowed: boolean;
  /** With a `minimum`: the amount each counter took, 0 when refused. Absent otherwise, and from a store that predates minimums (which then took the full amount when allowed). */
  granted?: number;
  /** The index of the first counter that refused, or -1. */
  refusedIndex: number;
  /** One snapshot per requested counter, in order. */
  counters: CounterSnapshot[];
  /** With `holdMs`, when allowed: the id to settle the hold by. */
  hold?: string;
}

/**
 * The state rate and spend limits need. Windows are the caller's business (they are part of the
 * key), which keeps every implementation a handful of atomic operations. Amounts are integers so
 * that totals never drift the way sums of floats do.
 */
export interface CounterStore {
  /**
   * Adds each amount to its counter if every counter stays within its limit, all or nothing,
   * atomically: two gateways sharing one store never admit more than the limit together.
   */
  reserve(reservations: readonly CounterReservation[], options?: ReserveOptions): Promise<ReserveOutcome>;
  /** Adds `delta` (may be negative) to a counter, e.g. to settle a reservation; returns the new total. A missing counter is not created by a negative delta. */
  adjust(key: string, delta: number, ttlMs: number): Promise<number>;
  /**
   * Settles a hold taken by `reserve`: every counter keeps `used` (what the call really cost)
   * instead of the amount held. After the hold lapsed (its amount already given back) `used` is
   * added; a hold already settled is left alone, so settling twice counts once. Returns the new totals.
   */
  settle?(hold: string, counters: readonly HeldCounter[], used: number): Promise<number[]>;
  /** The current total of a counter, 0 when it does not exist. */
  get(key: string): Promise<number>;
  /** Releases connections the store opened itself. */
  close(): Promise<void>;
}

/**
 * Checks a flexible reservation's arguments and returns its minimum, or undefined for an all or
 * nothing one. Throws a RangeError when the amounts differ or the minimum is above them.
 */
export function flexibleMinimum(reservations: readonly CounterReservation[], options: ReserveOptions | undefined): number | undefined {
  const minimum = options?.minimum;
  if (minimum === undefined || reservations.length === 0) return undefined;
  assertCounterAmount(minimum, 'minimum');
  const amount = reservations[0]!.amount;
  for (const reservation of reservations) if (reservation.amount !== amount) throw new RangeError('a reservation with a minimum needs the same amount for every counter');
  if (minimum < 0 || minimum > amount) throw new RangeError(`minimum must be between 0 and the amount ${amount}, got ${minimum}`);
  return minimum;
}

/** A ReserveOutcome with only the fields that apply, in one order whatever the store (object literals: no spreads to build it). */
export function reserveOutcome(hold: string | undefined, allowed: boolean, granted: number | undefined, refusedIndex: number, counters: CounterSnapshot[]): ReserveOutcome {
  if (hold === undefined) return granted === undefined ? { allowed, refusedIndex, counters } : { allowed, granted, refusedIndex, counters };
  return granted === undefined ? { hold, allowed, refusedIndex, counters } : { hold, allowed, granted, refusedIndex, counters };
}

/** Throws unless `value` is an integer a store can add exactly. */
export function assertCounterAmount(value: number, field: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field} must be a safe integer, got ${value}`);
}

/** Gives back everything a reservation took: its hold settled at 0, or each counter adjusted down. */
export async function releaseReservation(store: CounterStore, reservations: readonly CounterReservation[], outcome: ReserveOutcome): Promise<void> {
  if (!outcome.allowed) return;
  if (outcome.hold !== undefined && store.settle !== undefined) {
    await store.settle(outcome.hold, reservations, 0);
    return;
  }
  await Promise.all(reservations.map((reservation) => store.adjust(reservation.key, -(outcome.granted ?? reservation.amount), reservation.ttlMs)));
}
