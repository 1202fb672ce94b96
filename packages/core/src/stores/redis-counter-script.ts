/** The tag of each kind of operation in the script's ARGV. */
export const counterOperation = { reserve: 'r', settle: 's', adjust: 'a', get: 'g' } as const;

// One script runs a batch of counter operations, each one as the store's API describes it: every
// operation a gateway starts in one turn of its event loop then costs one command and one round
// trip together, instead of one each. Redis runs the whole script atomically, so each operation is
// at least as atomic as it was alone.
//
// Every counter comes with two keys of its own, its key plus ':holds' and ':held': a sorted set of its
// holds by expiry time and a hash of their amounts ('lapsed' once given back). An operation first
// gives back the amounts of holds past their time (Redis's own clock, which every instance shares): a
// settle that never came (a crash, an outage at the wrong moment) then stops holding budget by itself.
//
// KEYS: the counters of each operation in turn. The script derives the two keys of a counter's holds
// rather than receiving them (a third of the keys to encode and send); like a batch of many tenants'
// counters, that needs one Redis, not a cluster, which the store never supported (a rate limit's
// counters were always in one script). ARGV[1]: the operations' arguments in one string, separated by spaces
// (one argument to encode and write instead of dozens: the client's cost is per argument, Redis
// splits it in a few microseconds), each operation in turn, its tag first:
//   r, counters, minimum (-1: all or nothing), amount, hold id ('-' for none), hold ms, then per counter: amount, limit, ttl ms
//   s, counters, hold id, used, then per counter: ttl ms
//   a, delta, ttl ms
//   g
// The reply has one entry per operation: its answer, integers only (the store reads it without the
// client's conversion of strings), or an error reply for that operation alone (say a key of the
// wrong type), so one failed operation cannot fail the others of its batch.
// A hold id is never '-' and has no white space.
export const counterScriptSource = `
local args = {}
for word in string.gmatch(ARGV[1], '%S+') do args[#args + 1] = word end
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

-- Check every counter first and add to none unless all fit: two gateways can never both take the
-- last unit of a limit. With a minimum, every counter takes the same amount, as much as the tightest
-- counter has room for. With a hold id, the amounts are recorded as a hold that lapses after hold ms.
local function reserve(k, a)
  local count = tonumber(args[a])
  local minimum = tonumber(args[a + 1])
  local granted = tonumber(args[a + 2])
  local hold = args[a + 3]
  local holdMs = tonumber(args[a + 4])
  local refused = 0
  local totals = {}
  for i = 1, count do
    local c = k + i - 1
    local v = a + 5 + 3 * (i - 1)
    reclaim(KEYS[c], KEYS[c] .. ':holds', KEYS[c] .. ':held')
    local current = tonumber(redis.call('GET', KEYS[c]) or '0')
    totals[i] = current
    local amount = tonumber(args[v])
    local limit = tonumber(args[v + 1])
    if minimum < 0 then
      if refused == 0 and current + amount > limit then refused = i end
    elseif limit - current < granted then
      granted = limit - current
    end
  end
  if minimum >= 0 and granted < minimum then
    for i = 1, count do
      if tonumber(args[a + 6 + 3 * (i - 1)]) - totals[i] == granted then refused = i break end
    end
  end
  if refused == 0 then
    for i = 1, count do
      local c = k + i - 1
      local v = a + 5 + 3 * (i - 1)
      local amount = args[v]
      local ttl = args[v + 2]
      if minimum >= 0 then amount = granted end
      totals[i] = redis.call('INCRBY', KEYS[c], amount)
      if redis.call('PTTL', KEYS[c]) < 0 then redis.call('PEXPIRE', KEYS[c], ttl) end
      if hold ~= '-' then
        local holds, held = KEYS[c] .. ':holds', KEYS[c] .. ':held'
        redis.call('ZADD', holds, now + holdMs, hold)
        redis.call('HSET', held, hold, amount)
        if redis.call('PTTL', holds) < 0 then redis.call('PEXPIRE', holds, ttl) end
        if redis.call('PTTL', held) < 0 then redis.call('PEXPIRE', held, ttl) end
      end
    end
  else
    granted = 0
  end
  return { refused, granted, unpack(totals) }
end

-- A hold still live is replaced by what was used; a lapsed one (its amount given back) adds what
-- was used; a hold already settled, or gone with its window, changes nothing.
local function settle(k, a)
  local count = tonumber(args[a])
  local hold = args[a + 1]
  local used = tonumber(args[a + 2])
  local totals = {}
  for i = 1, count do
    local counter = KEYS[k + i - 1]
    local holds, held = counter .. ':holds', counter .. ':held'
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
        if redis.call('PTTL', counter) < 0 then redis.call('PEXPIRE', counter, args[a + 2 + i]) end
      end
    end
    totals[i] = tonumber(redis.call('GET', counter) or '0')
  end
  return totals
end

-- A refund that arrives after its window expired must not leave a negative counter behind.
local function adjust(k, a)
  local key = KEYS[k]
  if redis.call('EXISTS', key) == 0 and tonumber(args[a]) <= 0 then return 0 end
  local total = redis.call('INCRBY', key, args[a])
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, args[a + 1]) end
  return total
end

local function get(k)
  reclaim(KEYS[k], KEYS[k] .. ':holds', KEYS[k] .. ':held')
  local value = redis.call('GET', KEYS[k])
  if not value then return 0 end
  return tonumber(value) or redis.error_reply('the counter ' .. KEYS[k] .. ' does not hold a number')
end

local replies = {}
local k, a = 1, 1
while a <= #args do
  local tag = args[a]
  local ok, reply
  if tag == 'r' then
    local count = tonumber(args[a + 1])
    ok, reply = pcall(reserve, k, a + 1)
    k, a = k + count, a + 6 + 3 * count
  elseif tag == 's' then
    local count = tonumber(args[a + 1])
    ok, reply = pcall(settle, k, a + 1)
    k, a = k + count, a + 4 + count
  elseif tag == 'a' then
    ok, reply = pcall(adjust, k, a + 1)
    k, a = k + 1, a + 3
  elseif tag == 'g' then
    ok, reply = pcall(get, k)
    k, a = k + 1, a + 1
  else
    return redis.error_reply('unknown counter operation ' .. tostring(tag))
  end
  if not ok then
    if type(reply) == 'table' and reply.err then reply = reply.err end
    reply = redis.error_reply(tostring(reply))
  end
  replies[#replies + 1] = reply
end
return replies
`;
