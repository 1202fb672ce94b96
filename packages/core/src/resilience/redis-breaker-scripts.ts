// The Lua twins of memory-breaker-store.ts: one hash per endpoint, fields st (0 closed, 1 open,
// 2 half-open), oa (opened at), pr (probes this round), pa (round started at), to (timeouts in a
// row while closed), and a ring of window
// buckets b<i> (bucket number), c<i> (calls), f<i> (failures), s<i> (slow calls). Times come from the
// caller's clock, as in memory, so both stores behave the same under test clocks.

/** ARGV: now, openMs, halfOpenProbes, ttlMs. Returns { allowed, probe, state }. */
export const admitSource = `
local now = tonumber(ARGV[1])
local openMs = tonumber(ARGV[2])
local st = tonumber(redis.call('HGET', KEYS[1], 'st') or '0')
if st == 0 then return {1, 0, 0} end
if st == 1 then
  local oa = tonumber(redis.call('HGET', KEYS[1], 'oa') or '0')
  if now < oa + openMs then return {0, 0, 1} end
  redis.call('HSET', KEYS[1], 'st', 2, 'pr', 0, 'pa', now)
end
local pr = tonumber(redis.call('HGET', KEYS[1], 'pr') or '0')
if pr >= tonumber(ARGV[3]) then
  local pa = tonumber(redis.call('HGET', KEYS[1], 'pa') or '0')
  if now < pa + openMs then return {0, 0, 2} end
  pr = 0
  redis.call('HSET', KEYS[1], 'pa', now)
end
redis.call('HSET', KEYS[1], 'pr', pr + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, 1, 2}
`;

/**
 * ARGV: now, failed, slow, probe, bucketMs, buckets, minimumCalls, failureRate, slowRate, ttlMs,
 * timedOut, consecutiveTimeouts. Returns { state, openedAt }.
 */
export const recordSource = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local failed = ARGV[2] == '1'
local slow = ARGV[3] == '1'
local probe = ARGV[4] == '1'
local ttl = ARGV[10]
local st = tonumber(redis.call('HGET', key, 'st') or '0')
local function open()
  redis.call('DEL', key)
  redis.call('HSET', key, 'st', 1, 'oa', now, 'pr', 0)
  redis.call('PEXPIRE', key, ttl)
  return {1, now}
end
if st ~= 0 then
  if not probe or st ~= 2 then return {st, tonumber(redis.call('HGET', key, 'oa') or '0')} end
  if failed or slow then return open() end
  redis.call('DEL', key)
  return {0, 0}
end
local consecutive = tonumber(ARGV[12])
if ARGV[11] == '1' then
  if redis.call('HINCRBY', key, 'to', 1) >= consecutive and consecutive > 0 then return open() end
else
  redis.call('HSET', key, 'to', 0)
end
local buckets = tonumber(ARGV[6])
local bucket = math.floor(now / tonumber(ARGV[5]))
local slot = bucket % buckets
if tonumber(redis.call('HGET', key, 'b' .. slot) or '-1') ~= bucket then
  redis.call('HSET', key, 'b' .. slot, bucket, 'c' .. slot, 0, 'f' .. slot, 0, 's' .. slot, 0)
end
redis.call('HINCRBY', key, 'c' .. slot, 1)
if failed then redis.call('HINCRBY', key, 'f' .. slot, 1) end
if slow then redis.call('HINCRBY', key, 's' .. slot, 1) end
local calls, failures, slows = 0, 0, 0
for i = 0, buckets - 1 do
  local b = tonumber(redis.call('HGET', key, 'b' .. i) or '-1')
  if b > bucket - buckets then
    calls = calls + tonumber(redis.call('HGET', key, 'c' .. i) or '0')
    failures = failures + tonumber(redis.call('HGET', key, 'f' .. i) or '0')
    slows = slows + tonumber(redis.call('HGET', key, 's' .. i) or '0')
  end
end
if calls >= tonumber(ARGV[7]) and (failures >= tonumber(ARGV[8]) * calls or slows >= tonumber(ARGV[9]) * calls) then return open() end
redis.call('PEXPIRE', key, ttl)
return {0, 0}
`;
