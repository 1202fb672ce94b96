import { Redis } from 'ioredis';
import { assertCounterAmount, type CounterReservation, type CounterStore, type ReserveOutcome } from './counter-store.js';
import { createRedisScript } from './redis-script.js';

// Check every counter first and add to none unless all fit: one script, so Redis runs it atomically
// and two gateways can never both take the last unit of a limit.
const reserveSource = `
local refused = 0
local totals = {}
for i = 1, #KEYS do
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  totals[i] = current
  if refused == 0 and current + tonumber(ARGV[3 * i - 2]) > tonumber(ARGV[3 * i - 1]) then refused = i end
end
if refused == 0 then
  for i = 1, #KEYS do
    totals[i] = redis.call('INCRBY', KEYS[i], ARGV[3 * i - 2])
    if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[3 * i]) end
  end
end
return { refused, unpack(totals) }
`;

// A refund that arrives after its window expired must not leave a negative counter behind.
const adjustSource = `
if redis.call('EXISTS', KEYS[1]) == 0 and tonumber(ARGV[1]) <= 0 then return 0 end
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return total
`;

export interface RedisCounterStoreOptions {
  /** A connected ioredis client to use; the store then leaves closing it to the caller. */
  redis?: Redis;
  /** A Redis URL to connect to when no client is given; defaults to `REDIS_URL` or `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prepended to every key, so several apps (or test runs) can share one Redis. */
  prefix?: string;
}

/**
 * Counters in Redis, shared by every gateway instance that points at the same server.
 *
 * @example
 * const store = createRedisCounterStore({ url: 'redis://127.0.0.1:6379', prefix: 'routekit:' });
 * const outcome = await store.reserve([{ key: 'rpm:global:29334120', amount: 1, limit: 100, ttlMs: 61_000 }]);
 */
export function createRedisCounterStore(options: RedisCounterStoreOptions = {}): CounterStore {
  const owned = options.redis === undefined;
  const redis = options.redis ?? new Redis(options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = options.prefix ?? 'routekit:';
  const reserveScript = createRedisScript(redis, reserveSource);
  const adjustScript = createRedisScript(redis, adjustSource);

  return {
    async reserve(reservations: readonly CounterReservation[]): Promise<ReserveOutcome> {
      if (reservations.length === 0) return { allowed: true, refusedIndex: -1, counters: [] };
      const args: number[] = [];
      for (const reservation of reservations) {
        assertCounterAmount(reservation.amount, 'amount');
        args.push(reservation.amount, reservation.limit, Math.max(1, Math.ceil(reservation.ttlMs)));
      }
      const reply = (await reserveScript.run(reservations.map((reservation) => prefix + reservation.key), args)) as number[];
      const refusedIndex = Number(reply[0]) - 1;
      return {
        allowed: refusedIndex === -1,
        refusedIndex,
        counters: reservations.map((reservation, index) => {
          const total = Number(reply[index + 1]);
          return { key: reservation.key, total, limit: reservation.limit, remaining: Math.max(0, reservation.limit - total) };
        }),
      };
    },
    async adjust(key: string, delta: number, ttlMs: number): Promise<number> {
      assertCounterAmount(delta, 'delta');
      return Number(await adjustScript.run([prefix + key], [delta, Math.max(1, Math.ceil(ttlMs))]));
    },
    async get(key: string): Promise<number> {
      return Number((await redis.get(prefix + key)) ?? 0);
    },
    async close(): Promise<void> {
      if (owned) await redis.quit();
    },
  };
}
