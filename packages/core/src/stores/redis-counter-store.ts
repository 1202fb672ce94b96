import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '../errors.js';
import { assertCounterAmount, flexibleMinimum, reserveOutcome, type CounterReservation, type CounterSnapshot, type CounterStore, type HeldCounter, type ReserveOptions, type ReserveOutcome } from './counter-store.js';
import { createRedisConnection, whenReady } from './redis-connection.js';
import { counterOperation, counterScriptSource } from './redis-counter-script.js';
import { createRedisScript } from './redis-script.js';
import { createStoreGuard } from './store-guard.js';

/** The operations started in one turn of the event loop, sent to Redis as one script call. */
interface Batch {
  keys: string[];
  /** The script's arguments, each after a space (string concatenation: a third of the cost of joining an array). */
  args: string;
  operations: BatchedOperation[];
}

/** An operation waiting in a batch: where its reply goes. */
interface BatchedOperation {
  answer(reply: unknown): void;
  fail(error: unknown): void;
  /** A reservation's: its reply came after its caller had given up, so add to `release` what gives back what it took. */
  giveBack?(reply: unknown, release: Batch): void;
}

// Enough for the requests a busy gateway starts in one turn, few enough that one script never keeps
// Redis from its other clients for long.
const maxOperationsPerCall = 500;

/** Counters whose keys the store remembers; past this it starts over, so old windows cannot grow it for ever. */
const maxRememberedCounters = 10_000;

/** The hold id of a reservation without a hold, in the script's arguments. */
const noHold = '-';
/** What a hold id of a Redis store looks like: it travels in a string of arguments separated by spaces. */
const holdId = /^\S+$/;

const milliseconds = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));

export interface RedisCounterStoreOptions {
  /** A connected ioredis client to use; the store then leaves closing it to the caller. Give it `enableOfflineQueue: false` and `autoResendUnfulfilledCommands: false`, or a reservation given up on may land later. */
  redis?: Redis;
  /** A Redis URL to connect to when no client is given; defaults to `REDIS_URL` or `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prepended to every key, so several apps (or test runs) can share one Redis. */
  prefix?: string;
  /** How long an operation may take before Redis is pinged, in ms; while Redis answers the ping, a caller waits up to 4 times this, then gets a StoreUnavailableError. Default 250. */
  timeoutMs?: number;
  /** After a failure, how long operations fail at once before one probes Redis again, in ms. Default 1,000. */
  retryAfterFailureMs?: number;
  /** Where the one line per outage and per recovery goes. Default `console.warn`. */
  log?: (message: string) => void;
}

/**
 * Counters in Redis, shared by every gateway instance that points at the same server. A caller
 * waits at most 4 × `timeoutMs`; once Redis is shown to be down (a failed ping), operations fail at
 * once with a StoreUnavailableError and the outage is logged once (see `createStoreGuard`). Spend
 * reservations are holds that lapse unless settled.
 *
 * @example
 * const store = createRedisCounterStore({ url: 'redis://127.0.0.1:6379', prefix: 'routekit:' });
 * const outcome = await store.reserve([{ key: 'rpm:global:29334120', amount: 1, limit: 100, ttlMs: 61_000 }]);
 */
export function createRedisCounterStore(options: RedisCounterStoreOptions = {}): CounterStore {
  const timeoutMs = options.timeoutMs ?? 250;
  const retryAfterSeconds = Math.max(1, Math.ceil((options.retryAfterFailureMs ?? 1000) / 1000));
  const owned = options.redis === undefined;
  const redis = options.redis ?? createRedisConnection(options.url, timeoutMs);
  const prefix = options.prefix ?? 'routekit:';
  const script = createRedisScript(redis, counterScriptSource, { rawReplies: true });
  const ready = async () => {
    if (owned) await whenReady(redis);
  };
  const guard = createStoreGuard({
    name: 'counter store on Redis',
    timeoutMs,
    ping: async () => {
      await ready();
      return redis.ping();
    },
    ...(options.retryAfterFailureMs !== undefined && { retryAfterFailureMs: options.retryAfterFailureMs }),
    ...(options.log !== undefined && { log: options.log }),
  });
  // A hold id must be unique across every instance sharing the Redis: a random part per store, made
  // once, and a sequence number (a random UUID per reservation cost more than the rest of it).
  const holdPrefix = `${randomUUID()}:`;
  let holdSequence = 0;
  // A counter's prefixed key, made once per counter (every request of a window uses the same
  // counters) rather than a new string to flatten per operation.
  const knownCounters = new Map<string, string>();
  function counterKey(key: string): string {
    let full = knownCounters.get(key);
    if (full === undefined) {
      if (knownCounters.size >= maxRememberedCounters) knownCounters.clear();
      full = prefix + key;
      knownCounters.set(key, full);
    }
    return full;
  }

  // Operations join the batch being filled; it is sent once the event loop has run what is ready in
  // this turn (setImmediate): the requests read from the network together, and the continuations
  // of the answers that came in one read, then share one command, one timer and one round trip.
  let filling: Batch | undefined;
  let filled: Batch[] = [];
  function batch(): Batch {
    if (filling !== undefined && filling.operations.length < maxOperationsPerCall) return filling;
    if (filling === undefined) setImmediate(sendBatches);
    else filled.push(filling);
    filling = { keys: [], args: '', operations: [] };
    return filling;
  }
  function sendBatches(): void {
    if (filling === undefined) return;
    const sending = filled;
    sending.push(filling);
    filled = [];
    filling = undefined;
    for (const each of sending) send(each);
  }
  const unavailable = (cause: unknown) => new StoreUnavailableError('The counter store on Redis is unavailable.', { feature: 'store', retryAfterSeconds, cause });
  function run(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return owned && redis.status !== 'ready' ? ready().then(() => script.run(keys, args)) : script.run(keys, args);
  }
  function send(sent: Batch): void {
    // The batch is one operation to the guard: its deadline, its outage evidence and, for an answer
    // that comes after the callers were told the store failed, the release of what it reserved.
    guard.run(() => run(sent.keys, [sent.args]) as Promise<unknown[]>, { onLate: (replies) => giveBackLate(sent, replies) }).then(
      (replies) => {
        const operations = sent.operations;
        if (!Array.isArray(replies) || replies.length !== operations.length) {
          const error = unavailable(new Error(`the counter script answered ${Array.isArray(replies) ? replies.length : typeof replies} replies for ${operations.length} operations`));
          for (const operation of operations) operation.fail(error);
          return;
        }
        for (let index = 0; index < operations.length; index++) {
          const reply = replies[index];
          // One operation failed in Redis (say a key of the wrong type): it alone, as if run alone.
          if (reply instanceof Error) operations[index]!.fail(unavailable(reply));
          else {
            try {
              operations[index]!.answer(reply);
            } catch (error) {
              // A reply of the wrong shape must not leave the rest of the batch waiting for ever.
              operations[index]!.fail(unavailable(error));
            }
          }
        }
      },
      (error: unknown) => {
        for (const operation of sent.operations) operation.fail(error);
      },
    );
  }
  // Redis took the reservations, but their callers were already told the store failed and never
  // made their calls: give the amounts back, or they would hold budget for nothing.
  function giveBackLate(late: Batch, replies: unknown[]): void {
    const release: Batch = { keys: [], args: '', operations: [] };
    late.operations.forEach((operation, index) => {
      const reply = replies[index];
      if (operation.giveBack !== undefined && Array.isArray(reply)) operation.giveBack(reply, release);
    });
    if (release.args !== '') script.run(release.keys, [release.args]).catch(() => undefined);
  }

  return {
    reserve(reservations: readonly CounterReservation[], reserveOptions?: ReserveOptions): Promise<ReserveOutcome> {
      if (reservations.length === 0) return Promise.resolve({ allowed: true, refusedIndex: -1, counters: [] });
      let minimum: number | undefined;
      try {
        minimum = flexibleMinimum(reservations, reserveOptions);
        for (const reservation of reservations) assertCounterAmount(reservation.amount, 'amount');
      } catch (error) {
        return Promise.reject(error);
      }
      const holdMs = reserveOptions?.holdMs;
      const hold = holdMs === undefined ? noHold : holdPrefix + ++holdSequence;
      return new Promise<ReserveOutcome>((resolve, reject) => {
        const into = batch();
        into.args += ` ${counterOperation.reserve} ${reservations.length} ${minimum ?? -1} ${reservations[0]!.amount} ${hold} ${holdMs === undefined ? 0 : milliseconds(holdMs)}`;
        for (const reservation of reservations) {
          into.keys.push(counterKey(reservation.key));
          into.args += ` ${reservation.amount} ${reservation.limit} ${milliseconds(reservation.ttlMs)}`;
        }
        into.operations.push({
          answer(reply) {
            const totals = reply as number[];
            const refusedIndex = Number(totals[0]) - 1;
            const counters: CounterSnapshot[] = new Array(reservations.length);
            for (let index = 0; index < reservations.length; index++) {
              const reservation = reservations[index]!;
              const total = Number(totals[index + 2]);
              counters[index] = { key: reservation.key, total, limit: reservation.limit, remaining: Math.max(0, reservation.limit - total) };
            }
            const allowed = refusedIndex === -1;
            resolve(reserveOutcome(hold !== noHold && allowed ? hold : undefined, allowed, minimum === undefined ? undefined : Number(totals[1]), refusedIndex, counters));
          },
          fail: reject,
          giveBack(reply, release) {
            const totals = reply as number[];
            if (Number(totals[0]) !== 0) return;
            if (hold !== noHold) {
              release.args += ` ${counterOperation.settle} ${reservations.length} ${hold} 0`;
              for (const reservation of reservations) {
                release.keys.push(counterKey(reservation.key));
                release.args += ` ${milliseconds(reservation.ttlMs)}`;
              }
              return;
            }
            const granted = minimum === undefined ? undefined : Number(totals[1]);
            for (const reservation of reservations) {
              release.keys.push(counterKey(reservation.key));
              release.args += ` ${counterOperation.adjust} ${-(granted ?? reservation.amount)} ${milliseconds(reservation.ttlMs)}`;
            }
          },
        });
      });
    },
    adjust(key: string, delta: number, ttlMs: number): Promise<number> {
      try {
        assertCounterAmount(delta, 'delta');
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<number>((resolve, reject) => {
        const into = batch();
        into.keys.push(counterKey(key));
        into.args += ` ${counterOperation.adjust} ${delta} ${milliseconds(ttlMs)}`;
        into.operations.push({ answer: (reply) => resolve(Number(reply)), fail: reject });
      });
    },
    settle(hold: string, held: readonly HeldCounter[], used: number): Promise<number[]> {
      try {
        assertCounterAmount(used, 'used');
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<number[]>((resolve, reject) => {
        const into = batch();
        // An id with white space (or none at all) was never a hold of a Redis store: settled as one that
        // is not there. This store's own ids pass without the pattern.
        into.args += ` ${counterOperation.settle} ${held.length} ${hold.startsWith(holdPrefix) || holdId.test(hold) ? hold : noHold} ${used}`;
        for (const counter of held) {
          into.keys.push(counterKey(counter.key));
          into.args += ` ${milliseconds(counter.ttlMs)}`;
        }
        into.operations.push({ answer: (reply) => resolve((reply as unknown[]).map(Number)), fail: reject });
      });
    },
    get(key: string): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        const into = batch();
        into.keys.push(counterKey(key));
        into.args += ` ${counterOperation.get}`;
        into.operations.push({ answer: (reply) => resolve(Number(reply)), fail: reject });
      });
    },
    async close(): Promise<void> {
      // What was started before the close goes out first, as it did when every operation was sent at once.
      sendBatches();
      if (owned) redis.disconnect();
    },
  };
}
