import type { Redis } from 'ioredis';
import { createRedisConnection, whenReady } from '../stores/redis-connection.js';
import { createRedisScript } from '../stores/redis-script.js';
import { isSharedCacheEntry, type CacheFeed, type CacheFeedSubscription } from './cache-feed.js';

export interface RedisCacheFeedOptions {
  /** A Redis URL; defaults to `REDIS_URL` or `redis://127.0.0.1:6379`. */
  url?: string;
  /** Prepended to the stream's key. Default `routekit:`. */
  prefix?: string;
  /** Entries the stream keeps (trimmed approximately, oldest first). Default 100,000. */
  maxEntries?: number;
  /** Longest a subscriber's read waits for new entries before it reads again, in ms. Default 2,000. */
  blockMs?: number;
  /** After a failure, how long before Redis is tried again, in ms. Default 1,000. */
  retryAfterFailureMs?: number;
  /** Where the one line per outage and per recovery goes. Default `console.warn`. */
  log?: (message: string) => void;
}

// Appends the entry, trims the stream to about ARGV[1] entries, and keeps the stream alive as long
// as its longest-lived entry (an idle feed then leaves nothing behind in Redis).
const publishSource = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[2])
local ttl = tonumber(ARGV[3])
local current = redis.call('PTTL', KEYS[1])
if current < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return id
`;

/** Entries read per XREAD: the catch-up after a start or an outage reads the stream in batches of this many. */
const BATCH = 500;

/**
 * The cache feed on a Redis stream. `publish` appends an entry (XADD, bounded by MAXLEN); each
 * subscription reads the stream from its start on its own connection (the catch-up) and then
 * blocks for new entries (XREAD BLOCK), so an entry reaches every replica as soon as Redis hands
 * it on. After an outage a subscription goes on from the last entry it read, so nothing published
 * meanwhile is missed unless the stream was trimmed past it. Expired entries are skipped.
 *
 * Redis here (7.0) has no vector search: the stream holds entries, and each replica searches its
 * own index.
 *
 * @example
 * const feed = createRedisCacheFeed({ url: process.env.ROUTEKIT_REDIS_URL });
 * const engine = new Engine({ call, cache: { feed } });
 */
export function createRedisCacheFeed(options: RedisCacheFeedOptions = {}): CacheFeed {
  const prefix = options.prefix ?? 'routekit:';
  const stream = `${prefix}cache-feed`;
  const maxEntries = options.maxEntries ?? 100_000;
  const blockMs = options.blockMs ?? 2000;
  const retryMs = options.retryAfterFailureMs ?? 1000;
  const log = options.log ?? ((message: string) => console.warn(message));
  const publisher = createRedisConnection(options.url, 250);
  const publishScript = createRedisScript(publisher, publishSource);
  const readers = new Set<{ redis: Redis; stop: () => void }>();
  let down = false;
  let closed = false;

  // One line per outage and one per recovery, whichever connection notices first.
  const failed = (error: unknown) => {
    if (down || closed) return;
    down = true;
    log(`routekit: the shared cache feed on Redis is unreachable (${error instanceof Error ? error.message : String(error)}); each replica answers from its own cache until it is back`);
  };
  const recovered = () => {
    if (!down) return;
    down = false;
    log('routekit: the shared cache feed on Redis is reachable again; replicas catch up on what they missed');
  };

  return {
    publish(entry) {
      const ttl = Math.ceil(entry.expiresAt - Date.now());
      if (closed || ttl <= 0) return;
      whenReady(publisher)
        .then(() => publishScript.run([stream], [maxEntries, JSON.stringify(entry), ttl]))
        .then(recovered, failed);
    },

    subscribe(listener) {
      // Its own connection, since a blocked XREAD holds it; no command is dropped before the block ends.
      const redis = createRedisConnection(options.url, Math.max(250, blockMs / 10));
      let stopped = false;
      let lastId = '0-0';
      let caught = false;
      let resolveCaughtUp!: () => void;
      const caughtUp = new Promise<void>((resolve) => (resolveCaughtUp = resolve));
      const markCaughtUp = () => {
        caught = true;
        resolveCaughtUp();
      };
      const reader = { redis, stop: () => (stopped = true) };
      readers.add(reader);
      const deliver = (fields: string[]) => {
        const index = fields.indexOf('e');
        if (index < 0) return;
        let value: unknown;
        try {
          value = JSON.parse(fields[index + 1]!);
        } catch {
          return;
        }
        if (isSharedCacheEntry(value) && value.expiresAt > Date.now()) listener(value);
      };
      const loop = async () => {
        while (!stopped && !closed) {
          try {
            await whenReady(redis);
            // The catch-up reads without blocking; once it is done, every read waits for new entries.
            const reply = (await (caught ? redis.xread('COUNT', BATCH, 'BLOCK', blockMs, 'STREAMS', stream, lastId) : redis.xread('COUNT', BATCH, 'STREAMS', stream, lastId))) as Array<[string, Array<[string, string[]]>]> | null;
            recovered();
            const entries = reply?.[0]?.[1] ?? [];
            for (const [id, fields] of entries) {
              lastId = id;
              deliver(fields);
            }
            if (!caught && entries.length < BATCH) markCaughtUp();
          } catch (error) {
            if (stopped || closed) break;
            failed(error);
            // A subscriber that cannot reach Redis at start is as caught up as it can be: it serves from its own index.
            markCaughtUp();
            await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
          }
        }
      };
      void loop();
      const subscription: CacheFeedSubscription = {
        caughtUp,
        close() {
          stopped = true;
          readers.delete(reader);
          redis.disconnect();
        },
      };
      return subscription;
    },

    async close() {
      closed = true;
      for (const reader of readers) {
        reader.stop();
        reader.redis.disconnect();
      }
      readers.clear();
      publisher.disconnect();
    },
  };
}


