// The semantic hit rate of three replicas sharing the cache through the Redis feed, beside one
// process, over the same replayed workload: QQP question pairs (../shared/data/paraphrase), the
// first question of each pair asked, then its partner 30 requests later, round robin over the
// replicas (so the partner almost always lands on another replica), at ~200 requests a second.
// Run: node --import tsx bench/cache-feed-hit-rate.ts [pairs]   (Redis on REDIS_URL or 127.0.0.1:6379)
import { randomUUID } from 'node:crypto';
import type { EngineMiddleware } from '../packages/core/src/pipeline/engine-middleware.js';
import { createCacheMiddleware } from '../packages/core/src/cache/cache-middleware.js';
import { answer, question, runThrough } from '../packages/core/src/cache/cache-test-helpers.js';
import { createRedisCacheFeed } from '../packages/core/src/cache/redis-cache-feed.js';
import { readPairs } from '../scripts/cache-paraphrase-data.js';

const count = Number(process.argv[2] ?? 2000);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pairs = readPairs('qqp.train.jsonl').slice(0, count);
const gap = 30;

/** The request sequence: pair i's first question, and its partner `gap` requests later. */
const sequence: Array<{ text: string; pair: number; second: boolean }> = [];
for (let index = 0; index < pairs.length + gap; index += 1) {
  if (index < pairs.length) sequence.push({ text: pairs[index]!.a, pair: index, second: false });
  if (index >= gap) sequence.push({ text: pairs[index - gap]!.b, pair: index - gap, second: true });
}

async function replay(caches: EngineMiddleware[]): Promise<{ hits: number; duplicateHits: number; wrongHits: number }> {
  let hits = 0;
  let duplicateHits = 0;
  let wrongHits = 0;
  const started = performance.now();
  for (const [index, request] of sequence.entries()) {
    const cache = caches[index % caches.length]!;
    const { exchange, upstreamCalls } = await runThrough(cache, { request: question(request.text) }, () => ({ type: 'response', response: answer(`answer to pair ${request.pair}`) }));
    if (request.second && upstreamCalls === 0) {
      hits += 1;
      if (pairs[request.pair]!.duplicate) duplicateHits += 1;
      else wrongHits += 1;
    }
    void exchange;
    // ~200 requests a second across the replicas.
    const due = started + (index + 1) * 5;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
  }
  return { hits, duplicateHits, wrongHits };
}

const duplicates = pairs.filter((pair) => pair.duplicate).length;
const one = await replay([createCacheMiddleware()]);
const prefix = `routekit-bench:${randomUUID()}:`;
const feeds = [0, 1, 2].map(() => createRedisCacheFeed({ url, prefix }));
const three = await replay(feeds.map((feed) => createCacheMiddleware({ feed })));
await Promise.all(feeds.map((feed) => feed.close()));
const rate = (value: number) => `${((100 * value) / pairs.length).toFixed(1)}%`;
console.log(`${pairs.length} QQP pairs (${duplicates} duplicates), partner asked ${gap} requests after the first, ~200 requests a second:`);
console.log(`  one process:                  hit rate ${rate(one.hits)} (duplicates answered ${one.duplicateHits}, non-duplicates answered ${one.wrongHits})`);
console.log(`  three replicas, Redis feed:   hit rate ${rate(three.hits)} (duplicates answered ${three.duplicateHits}, non-duplicates answered ${three.wrongHits})`);
process.exit(0);
