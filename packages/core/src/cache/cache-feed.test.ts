import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryCacheFeed, type CacheFeed, type SharedCacheEntry } from './cache-feed.js';
import { createCacheMiddleware } from './cache-middleware.js';
import { answer, collectText, question, runThrough } from './cache-test-helpers.js';
import { createRedisCacheFeed } from './redis-cache-feed.js';

const respond = (text: string) => () => ({ type: 'response' as const, response: answer(text) });
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const opened: CacheFeed[] = [];

/**
 * The feed a replica's cache subscribes to, wrapped so that a test can wait until an entry has
 * been put into that replica's cache (the listener ran) instead of sleeping.
 */
function observed(feed: CacheFeed) {
  const arrivals: SharedCacheEntry[] = [];
  const waiters: Array<() => void> = [];
  const wrapped: CacheFeed = {
    publish: (entry) => feed.publish(entry),
    subscribe: (listener) =>
      feed.subscribe((entry) => {
        listener(entry);
        arrivals.push(entry);
        for (const wake of waiters.splice(0)) wake();
      }),
    close: () => feed.close(),
  };
  /** Resolves once `count` entries have arrived; fails after 10 s (the shared Redis serves eight busy sessions). */
  async function arrived(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (arrivals.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${arrivals.length} of ${count} entries arrived`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
  return { feed: wrapped, arrivals, arrived };
}

// Each replica has its own feed handle (its own connections), as separate processes would.
const kinds: Array<[string, () => () => CacheFeed]> = [
  ['memory', () => {
    const feed = createMemoryCacheFeed();
    return () => feed;
  }],
  ['redis', () => {
    const prefix = `routekit-test:${randomUUID()}:`;
    return () => {
      const feed = createRedisCacheFeed({ url, prefix, blockMs: 500 });
      opened.push(feed);
      return feed;
    };
  }],
];

afterAll(async () => {
  await Promise.all(opened.map((feed) => feed.close()));
});

describe.each(kinds)('the cache shared through a %s feed', (_kind, makeFeeds) => {
  it('answers through replica B, exactly and semantically, what replica A cached, with its cost and entry id', async () => {
    const feedFor = makeFeeds();
    const a = createCacheMiddleware({ feed: feedFor() });
    const b = observed(feedFor());
    const replicaB = createCacheMiddleware({ feed: b.feed });
    const first = await runThrough(a, { request: question('What is the capital of France?'), tenant: 'acme' }, respond('Paris.'), 0.0042);
    expect(first.upstreamCalls).toBe(1);
    await b.arrived(1);
    const reworded = await runThrough(replicaB, { request: question("What's France's capital city?"), tenant: 'acme' }, respond('wrong'));
    expect(reworded.upstreamCalls).toBe(0);
    expect((await collectText(reworded.result)).text).toBe('Paris.');
    expect(reworded.exchange.receipt.cache).toMatchObject({ status: 'hit', kind: 'semantic', saved_usd: 0.0042, entry_id: first.exchange.receipt.cache!.entry_id ?? expect.any(String) });
    expect(reworded.exchange.receipt.winner).toBe('openai/gpt-4.1-mini');
    const exact = await runThrough(replicaB, { request: question('What is the capital of France?'), tenant: 'acme' }, respond('wrong'));
    expect(exact.exchange.receipt.cache).toMatchObject({ status: 'hit', kind: 'exact' });
  });

  it('keeps tenant scope, the slot guard and model exclusions on the replica that receives the entry', async () => {
    const feedFor = makeFeeds();
    const a = createCacheMiddleware({ feed: feedFor() });
    const b = observed(feedFor());
    const replicaB = createCacheMiddleware({ feed: b.feed });
    const c = observed(feedFor());
    const excluding = createCacheMiddleware({ feed: c.feed, excludeModels: ['openai/gpt-4.1-mini'] });
    const sky = 'Explain why the sky is blue at sunset and what makes it look red or orange to us';
    await runThrough(a, { request: question('What is the capital of France?'), tenant: 'acme' }, respond('Paris.'));
    await runThrough(a, { request: question(sky), tenant: 'acme' }, respond('Scattering.'));
    await Promise.all([b.arrived(2), c.arrived(2)]);
    const otherTenant = await runThrough(replicaB, { request: question('What is the capital of France?'), tenant: 'globex' }, respond('Paris, for Globex.'));
    expect(otherTenant.upstreamCalls).toBe(1);
    const germany = await runThrough(replicaB, { request: question('What is the capital of Germany?'), tenant: 'acme' }, respond('Berlin.'));
    expect(germany.upstreamCalls).toBe(1);
    const negated = await runThrough(replicaB, { request: question(sky.replace('is blue', 'is not blue')), tenant: 'acme' }, respond('x'));
    expect(negated.upstreamCalls).toBe(1);
    expect(negated.exchange.receipt.cache).toMatchObject({ status: 'miss', reason: 'guard: negation' });
    expect((await runThrough(replicaB, { request: question(`${sky}.`), tenant: 'acme' }, respond('x'))).exchange.receipt.cache).toMatchObject({ status: 'hit', kind: 'semantic' });
    const excluded = await runThrough(excluding, { request: question('What is the capital of France?'), tenant: 'acme' }, respond('Paris.'));
    expect(excluded.upstreamCalls).toBe(1);
  });

  it('lets a shared entry expire on every replica, and a replica that starts later catches up on live entries only', async () => {
    const feedFor = makeFeeds();
    const a = createCacheMiddleware({ feed: feedFor(), ttlSeconds: 0.4 });
    const long = createCacheMiddleware({ feed: feedFor(), ttlSeconds: 60 });
    const b = observed(feedFor());
    // B's own TTL is longer: the entry still expires when A's did.
    const replicaB = createCacheMiddleware({ feed: b.feed, ttlSeconds: 60 });
    await runThrough(a, { request: question('How tall is the Eiffel Tower?') }, respond('330 m.'));
    await runThrough(long, { request: question('How long is the Seine?') }, respond('777 km.'));
    await b.arrived(2);
    expect((await runThrough(replicaB, { request: question('How tall is the Eiffel Tower?') }, respond('wrong'))).upstreamCalls).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 600));
    // Asked again after the expiry, B calls the model and shares its new answer, a live entry.
    expect((await runThrough(replicaB, { request: question('How tall is the Eiffel Tower?') }, respond('330 m., asked again'))).upstreamCalls).toBe(1);
    // A replica started now gets the live entries, never the expired one.
    const late = observed(feedFor());
    const replicaC = createCacheMiddleware({ feed: late.feed });
    await late.arrived(2);
    expect(late.arrivals.map((entry) => entry.answer.response.choices[0]!.message.content).sort()).toEqual(['330 m., asked again', '777 km.']);
    expect((await runThrough(replicaC, { request: question('How long is the Seine?') }, respond('wrong'))).upstreamCalls).toBe(0);
  });
});

describe('the Redis cache feed during an outage', () => {
  it('says so once, and each replica keeps answering from its own cache', async () => {
    const lines: string[] = [];
    // Nothing listens on port 1: every connection is refused at once.
    const feed = createRedisCacheFeed({ url: 'redis://127.0.0.1:1', prefix: `routekit-test:${randomUUID()}:`, retryAfterFailureMs: 50, log: (line) => lines.push(line) });
    opened.push(feed);
    const cache = createCacheMiddleware({ feed });
    for (let round = 0; round < 3; round += 1) await runThrough(cache, { request: question(`What is ${round} plus ${round}?`) }, respond(`${2 * round}.`));
    const again = await runThrough(cache, { request: question('what is 2 plus 2') }, respond('wrong'));
    expect(again.exchange.receipt.cache).toMatchObject({ status: 'hit' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/shared cache feed on Redis is unreachable/);
  });

  it('skips entries that are not well-formed instead of trusting them', async () => {
    const prefix = `routekit-test:${randomUUID()}:`;
    const { Redis } = await import('ioredis');
    const raw = new Redis(url);
    await raw.xadd(`${prefix}cache-feed`, '*', 'e', JSON.stringify({ tenant: 'acme', key: 'k', semantic: null, answer: { id: 1 }, expiresAt: Date.now() + 60_000 }));
    await raw.xadd(`${prefix}cache-feed`, '*', 'e', 'not json');
    raw.disconnect();
    const feed = createRedisCacheFeed({ url, prefix });
    opened.push(feed);
    const received: SharedCacheEntry[] = [];
    await feed.subscribe((entry) => received.push(entry)).caughtUp;
    expect(received).toEqual([]);
  });
});
