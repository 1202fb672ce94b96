import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { assertCounterAmount, flexibleMinimum, reserveOutcome, type CounterReservation, type CounterStore, type HeldCounter, type ReserveOptions, type ReserveOutcome } from './counter-store.js';
import { createRedisConnection, whenReady } from './redis-connection.js';
import { createRedisScript } from './redis-script.js';
import { createStoreGuard } from './store-guard.js';

// Every counter comes with two keys of its own: a sorted set of its holds by expiry time and a hash
// of their amounts ('lapsed' once given back). Each script first gives back the amounts of holds past
// their time (Redis's own clock, which every instance shares): a settle that never came (a crash,
// an outage at the wrong moment) then stops holding budget by itself.
const reclaimSource = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local function reclaim(counter, holds, held)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', holds, '-inf', now)) do
    local amount = tonumber(redis.call('HGET', held, id))
    if amount ~= nil and redis.call('EXISTS', counter) == 1 then
      if amount > tonumber(redis.call('GET', counter)) then amount = tonumber(redis.call('GET', counter)) end
      redis.call('DECRBY', counter, amount)
    end
    redis.call('HSET', held, id, 'lapsed')
    redis.call('ZREM', holds, id)
  end
end
`;

// Check every counter first and add to none unless all fit: one script, so Redis runs it atomically
// and two gateways can never both take the last unit of a limit. With a minimum (ARGV[1] >= 0),
// every counter takes the same amount, as much as the tightest counter has room for. With a hold id
// (ARGV[3] not empty), the amounts are recorded as a hold that lapses after ARGV[4] ms.
// KEYS: counter, its holds, its held amounts; for each counter. ARGV[4 + 3i - 2 .. 4 + 3i]: amount, limit, ttl.
const reserveSource = `${reclaimSource}
local minimum = tonumber(ARGV[1])
local granted = tonumber(ARGV[2])
local hold = ARGV[3]
local holdMs = tonumber(ARGV[4])
local count = #KEYS / 3
local refused = 0
local totals = {}
for i = 1, count do
  reclaim(KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i])
  local current = tonumber(redis.call('GET', KEYS[3 * i - 2]) or '0')
  totals[i] = current
  local amount = tonumber(ARGV[3 * i + 2])
  local limit = tonumber(ARGV[3 * i + 3])
  if minimum < 0 then
    if refused == 0 and current + amount > limit then refused = i end
  elseif limit - current < granted then
    granted = limit - current
  end
end
if minimum >= 0 and granted < minimum then
  for i = 1, count do
    if tonumber(ARGV[3 * i + 3]) - totals[i] == granted then refused = i break end
  end
end
if refused == 0 then
  for i = 1, count do
    local counter = KEYS[3 * i - 2]
    local amount = ARGV[3 * i + 2]
    local ttl = ARGV[3 * i + 4]
    if minimum >= 0 then amount = granted end
    totals[i] = redis.call('INCRBY', counter, amount)
    if redis.call('PTTL', counter) < 0 then redis.call('PEXPIRE', counter, ttl) end
    if hold ~= '' then
      redis.call('ZADD', KEYS[3 * i - 1], now + holdMs, hold)
      redis.call('HSET', KEYS[3 * i], hold, amount)
      if redis.call('PTTL', KEYS[3 * i - 1]) < 0 then redis.call('PEXPIRE', KEYS[3 * i - 1], ttl) end
      if redis.call('PTTL', KEYS[3 * i]) < 0 then redis.call('PEXPIRE', KEYS[3 * i], ttl) end
    end
  end
else
  granted = 0
end
return { refused, granted, unpack(totals) }
`;

// A hold still live is replaced by what was used; a lapsed one (its amount given back) adds what
// was used; a hold already settled, or gone with its window, changes nothing.
const settleSource = `${reclaimSource}
local hold = ARGV[1]
local used = tonumber(ARGV[2])
local totals = {}
for i = 1, #KEYS / 3 do
  local counter, holds, held = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  reclaim(counter, holds, held)
  local state = redis.call('HGET', held, hold)
  if state then
    local delta = used
    if state ~= 'lapsed' then delta = used - tonumber(state) end
    redis.call('HDEL', held, hold)
    redis.call('ZREM', holds, hold)
    if redis.call('EXISTS', counter) == 1 or delta > 0 then
      local total = redis.call('INCRBY', counter, delta)
      if total < 0 then redis.call('SET', counter, 0, 'KEEPTTL') end
      if redis.call('PTTL', counter) < 0 then redis.call('PEXPIRE', counter, ARGV[2 + i]) end
    end
  end
  totals[i] = tonumber(redis.call('GET', counter) or '0')
end
return totals
`;

const getSource = `${reclaimSource}
reclaim(KEYS[1], KEYS[2], KEYS[3])
return redis.call('GET', KEYS[1])
`;

// A refund that arrives after its window expired must not leave a negative counter behind.
const adjustSource = `
if redis.call('EXISTS', KEYS[1]) == 0 and tonumber(ARGV[1]) <= 0 then return 0 end
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return total
`;

/** A counter's key and the two keys of its holds. */
function counterKeys(key: string): string[] {
  return [key, `${key}:holds`, `${key}:held`];
}

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
  const owned = options.redis === undefined;
  const redis = options.redis ?? createRedisConnection(options.url, timeoutMs);
  const prefix = options.prefix ?? 'routekit:';
  const reserveScript = createRedisScript(redis, reserveSource);
  const adjustScript = createRedisScript(redis, adjustSource);
  const settleScript = createRedisScript(redis, settleSource);
  const getScript = createRedisScript(redis, getSource);
  const milliseconds = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));
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
      const holdMs = reserveOptions?.holdMs;
      const hold = holdMs === undefined ? '' : randomUUID();
      const args: Array<number | string> = [minimum ?? -1, reservations[0]!.amount, hold, holdMs === undefined ? 0 : milliseconds(holdMs)];
      for (const reservation of reservations) {
        assertCounterAmount(reservation.amount, 'amount');
        args.push(reservation.amount, reservation.limit, milliseconds(reservation.ttlMs));
      }
      const keys = reservations.flatMap((reservation) => counterKeys(prefix + reservation.key));
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
            const ttls = reservations.map((reservation) => milliseconds(reservation.ttlMs));
            if (hold !== '') return void settleScript.run(keys, [hold, 0, ...ttls]).catch(() => undefined);
            const granted = minimum === undefined ? undefined : Number(late[1]);
            reservations.forEach((reservation, index) => {
              adjustScript.run([prefix + reservation.key], [-(granted ?? reservation.amount), ttls[index]!]).catch(() => undefined);
            });
          },
        },
      ));
      const refusedIndex = Number(reply[0]) - 1;
      const counters = reservations.map((reservation, index) => {
        const total = Number(reply[index + 2]);
        return { key: reservation.key, total, limit: reservation.limit, remaining: Math.max(0, reservation.limit - total) };
      });
      const allowed = refusedIndex === -1;
      return reserveOutcome(hold !== '' && allowed ? hold : undefined, allowed, minimum === undefined ? undefined : Number(reply[1]), refusedIndex, counters);
    },
    async adjust(key: string, delta: number, ttlMs: number): Promise<number> {
      assertCounterAmount(delta, 'delta');
      return Number(
        await guard.run(async () => {
          await ready();
          return adjustScript.run([prefix + key], [delta, milliseconds(ttlMs)]);
        }),
      );
    },
    async settle(hold: string, held: readonly HeldCounter[], used: number): Promise<number[]> {
      assertCounterAmount(used, 'used');
      const reply = (await guard.run(async () => {
        await ready();
        return settleScript.run(
          held.flatMap((counter) => counterKeys(prefix + counter.key)),
          [hold, used, ...held.map((counter) => milliseconds(counter.ttlMs))],
        );
      })) as number[];
      return reply.map(Number);
    },
    async get(key: string): Promise<number> {
      return Number(
        (await guard.run(async () => {
          await ready();
          return getScript.run(counterKeys(prefix + key), []);
        })) ?? 0,
      );
    },
    async close(): Promise<void> {
      if (owned) redis.disconnect();
    },
  };
}
