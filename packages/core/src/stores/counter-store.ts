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

export interface ReserveOutcome {
  /** True when every counter took its amount; false when none did. */
  allowed: boolean;
  /** The index of the first counter that refused, or -1. */
  refusedIndex: number;
  /** One snapshot per requested counter, in order. */
  counters: CounterSnapshot[];
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
  reserve(reservations: readonly CounterReservation[]): Promise<ReserveOutcome>;
  /** Adds `delta` (may be negative) to a counter, e.g. to settle a reservation; returns the new total. A missing counter is not created by a negative delta. */
  adjust(key: string, delta: number, ttlMs: number): Promise<number>;
  /** The current total of a counter, 0 when it does not exist. */
  get(key: string): Promise<number>;
  /** Releases connections the store opened itself. */
  close(): Promise<void>;
}

/** Throws unless `value` is an integer a store can add exactly. */
export function assertCounterAmount(value: number, field: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field} must be a safe integer, got ${value}`);
}
