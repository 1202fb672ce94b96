import { releaseReservation, type CounterStore, type HeldCounter } from './counter-store.js';
import type { KeyValueStore } from './key-value-store.js';
import { createStoreGuard, type StoreGuardOptions } from './store-guard.js';

/**
 * Bounds every operation of a store of your own (PostgreSQL, a remote service) with a timeout and
 * fails fast during an outage, logged once, as the Redis stores do by themselves. Errors become
 * StoreUnavailableErrors, which the limits turn into their fail-open or fail-closed behaviour.
 *
 * @example
 * const store = guardCounterStore(createMyPostgresCounterStore(pool), { name: 'counters on PostgreSQL', timeoutMs: 200 });
 */
export function guardCounterStore(store: CounterStore, options: StoreGuardOptions = {}): CounterStore {
  const guard = createStoreGuard(options);
  return {
    reserve: (reservations, reserveOptions) =>
      guard.run(() => store.reserve(reservations, reserveOptions), {
        // A reservation made for a caller that had already given up is given back.
        onLate: (outcome) => void releaseReservation(store, reservations, outcome).catch(() => undefined),
      }),
    adjust: (key, delta, ttlMs) => guard.run(() => store.adjust(key, delta, ttlMs)),
    ...(store.settle !== undefined && { settle: (hold: string, held: readonly HeldCounter[], used: number) => guard.run(() => store.settle!(hold, held, used)) }),
    get: (key) => guard.run(() => store.get(key)),
    close: () => store.close(),
  };
}

/** `guardCounterStore` for a KeyValueStore, e.g. circuit-breaker state kept somewhere shared. */
export function guardKeyValueStore(store: KeyValueStore, options: StoreGuardOptions = {}): KeyValueStore {
  const guard = createStoreGuard(options);
  return {
    get: (key) => guard.run(() => store.get(key)),
    set: (key, value, ttlMs) => guard.run(() => store.set(key, value, ttlMs)),
    setIfAbsent: (key, value, ttlMs) => guard.run(() => store.setIfAbsent(key, value, ttlMs)),
    delete: (key) => guard.run(() => store.delete(key)),
    close: () => store.close(),
  };
}
