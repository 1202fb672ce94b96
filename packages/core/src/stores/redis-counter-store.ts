import type { Redis } from 'ioredis';
import { assertCounterAmount, flexibleMinimum, type CounterReservation, type CounterStore, type ReserveOptions, type ReserveOutcome } from './counter-store.js';
import { createRedisConnection, whenReady } from './redis-connection.js';
import { createRedisScript } from './redis-script.js';
import { createStoreGuard } from './store-guard.js';

// Check every counter first and add to none unless all fit: one script, so Redis runs it atomically
// and two gateways can never both take the last unit of a limit. With a minimum (ARGV[1] >= 0),
// every counter takes the same amount, as much as the tightest counter has room for.
const reserveSource = `
local minimum = tonumber(ARGV[1])
local refused = 0
local totals = {}
local granted = tonumber(ARGV[2])
for i = 1, #KEYS do
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  totals[i] = current
  local amount = tonumber(ARGV[3 * i])
  local limit = tonumber(ARGV[3 * i + 1])
  if minimum < 0 then
    if refused == 0 and current + amount > limit then refused = i end
  elseif limit - current < granted then
    granted = limit - current
  end
end
if minimum >= 0 and granted < minimum then
  for i = 1, #KEYS do
    if tonumber(ARGV[3 * i + 1]) - totals[i] == granted then refused = i break end
  end
end
if refused == 0 then
  for i = 1, #KEYS do
    local amount = ARGV[3 * i]
    if minimum >= 0 then amount = granted end
    totals[i] = redis.call('INCRBY', KEYS[i], amount)
    if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[3 * i + 2]) end
  end
else
  granted = 0
end
return { refused, granted, unpack(totals) }
`;

// A refund that arrives after its window expired must not leave a negative counter behind.
const adjustSource = `
if redis.call('EXISTS', KEYS[1]) == 0 and tonumber(ARGV[1]) <= 0 then return 0 end
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return total
`;

export interface RedisCounterStoreOptions {
  /** A connected ioredis client to use; the store then leaves closing it to the caller. Give it `enableOfflineQueue: false` and `autoResendUnfulfilledCommands: false`, or a reservation given up on may land later. */
  redis?: Redis;
  /** A Redis URL to connect to when no client is given; defaults to `REDIS_URL` or `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prepended to every key, so several apps (or test runs) can share one Redis. */
  prefix?: string;
  /** The longest a request waits for Redis, per operation, in ms; then the operation fails with a StoreUnavailableError. Default 250. */
  timeoutMs?: number;
  /** After a failure, how long operations fail at once before one probes Redis again, in ms. Default 1,000. */
  retryAfterFailureMs?: number;
  /** Where the one line per outage and per recovery goes. Default `console.warn`. */
  log?: (message: string) => void;
}

/**
 * Counters in Redis, shared by every gateway instance that points at the same server. Every
 * operation waits at most `timeoutMs`; while Redis is down, operations fail at once with a
 * StoreUnavailableError and the outage is logged once (see `createStoreGuard`).
 *
 * @example
 * const store = createRedisCounterStore({ url: 'redis://127.0.0.1:6379', prefix: 'routekit:' });
 * const outcome = await store.reserve([{ key: 'rpm:global:29334120', amount: 1, limit: 100, ttlMs: 61_000 }]);
 */
export function createRedisCounterStore(options: RedisCounterStoreOptions = {}): CounterStore {
  const timeoutMs = options.timeoutMs ?? 250;
  const owned = options.redis === undefined;
  const redis = options.redis ?? createRedisConnection(options.url, timeoutMs);
  const prefix = options.prefix ?? 'routekit:';
  const reserveScript = createRedisScript(redis, reserveSource);
  const adjustScript = createRedisScript(redis, adjustSource);
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

  return {
    async reserve(reservations: readonly CounterReservation[], reserveOptions?: ReserveOptions): Promise<ReserveOutcome> {
      if (reservations.length === 0) return { allowed: true, refusedIndex: -1, counters: [] };
      const minimum = flexibleMinimum(reservations, reserveOptions);
      const args: number[] = [minimum ?? -1, reservations[0]!.amount];
      for (const reservation of reservations) {
        assertCounterAmount(reservation.amount, 'amount');
        args.push(reservation.amount, reservation.limit, Math.max(1, Math.ceil(reservation.ttlMs)));
      }
      const keys = reservations.map((reservation) => prefix + reservation.key);
      const reply = (await guard.run(
        async () => {
          await ready();
          return (await reserveScript.run(keys, args)) as number[];
        },
        {
          // Redis took the reservation, but its caller was already told the store failed and never
          // made the call: give the amounts back, or they would hold budget for nothing.
          onLate: (late) => {
            if (Number(late[0]) !== 0) return;
            const granted = minimum === undefined ? undefined : Number(late[1]);
            reservations.forEach((reservation, index) => {
              adjustScript.run([keys[index]!], [-(granted ?? reservation.amount), Math.max(1, Math.ceil(reservation.ttlMs))]).catch(() => undefined);
            });
          },
        },
      ));
      const refusedIndex = Number(reply[0]) - 1;
      return {
        allowed: refusedIndex === -1,
        ...(minimum !== undefined && { granted: Number(reply[1]) }),
        refusedIndex,
        counters: reservations.map((reservation, index) => {
          const total = Number(reply[index + 2]);
          return { key: reservation.key, total, limit: reservation.limit, remaining: Math.max(0, reservation.limit - total) };
        }),
      };
    },
    async adjust(key: string, delta: number, ttlMs: number): Promise<number> {
      assertCounterAmount(delta, 'delta');
      return Number(
        await guard.run(async () => {
          await ready();
          return adjustScript.run([prefix + key], [delta, Math.max(1, Math.ceil(ttlMs))]);
        }),
      );
    },
    async get(key: string): Promise<number> {
      return Number(
        (await guard.run(async () => {
          await ready();
          return redis.get(prefix + key);
        })) ?? 0,
      );
    },
    async close(): Promise<void> {
      if (owned) redis.disconnect();
    },
  };
}
