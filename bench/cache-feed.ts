// The semantic cache shared between replicas through the Redis cache feed:
//  1. propagation delay: from `publish` on one replica to the entry being in another replica's
//     cache (its listener ran), one at a time and in bursts, p50/p99;
//  2. memory per 100k entries: in Redis (the stream), and in a replica (exact cache + semantic index,
//     heap and RSS), and how long a replica that starts then takes to catch up on them.
// Run: node --expose-gc --import tsx bench/cache-feed.ts [entries]   (Redis on REDIS_URL or 127.0.0.1:6379)
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { SharedCacheEntry } from '../packages/core/src/cache/cache-feed.js';
import { createCacheMiddleware } from '../packages/core/src/cache/cache-middleware.js';
import { createRedisCacheFeed } from '../packages/core/src/cache/redis-cache-feed.js';
import { semanticRequestKey, exactRequestKey } from '../packages/core/src/cache/request-key.js';

const total = Number(process.argv[2] ?? 100_000);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `routekit-bench:${randomUUID()}:`;
const names = ['France', 'Peru', 'Kenya', 'Norway', 'Japan', 'Chile', 'Egypt', 'Canada', 'India', 'Spain'];
const topics = ['capital', 'population', 'currency', 'longest river', 'highest mountain', 'national dish', 'official language', 'largest city'];

/** A realistic entry: a question of ~60 characters and an answer of ~300. */
function entry(index: number): SharedCacheEntry {
  const prompt = `What was the ${topics[index % topics.length]} of ${names[Math.floor(index / topics.length) % names.length]} in ${1000 + (index % 1000)}, case ${index}?`;
  const request = { model: 'auto', messages: [{ role: 'user' as const, content: prompt }] };
  const response = { id: `chatcmpl-${index}`, object: 'chat.completion' as const, created: 1, model: 'gpt-4.1-mini', choices: [{ index: 0, message: { role: 'assistant' as const, content: `Answer ${index}: ${'lorem ipsum dolor sit amet '.repeat(11)}` }, finish_reason: 'stop' as const }], usage: { prompt_tokens: 20, completion_tokens: 70, total_tokens: 90 } };
  return { tenant: 'bench', key: exactRequestKey(request, 'auto'), semantic: semanticRequestKey(request, 'auto'), answer: { id: `cache_${index}`, response, model: 'openai/gpt-4.1-mini', cost_usd: 0.0001 }, expiresAt: Date.now() + 3_600_000 };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const ms = (value: number) => `${value.toFixed(2)} ms`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function propagation(): Promise<void> {
  const publisher = createRedisCacheFeed({ url, prefix: `${prefix}delay:` });
  const replica = createRedisCacheFeed({ url, prefix: `${prefix}delay:` });
  const cache = createCacheMiddleware({ feed: replica });
  void cache;
  const sent = new Map<string, number>();
  const delays: number[] = [];
  let wake: (() => void) | undefined;
  // A second listener beside the cache's own, on the same replica feed: it runs after the cache inserted the entry.
  const subscription = replica.subscribe((arrived) => {
    const at = sent.get(arrived.answer.id);
    if (at !== undefined) delays.push(performance.now() - at);
    wake?.();
  });
  await subscription.caughtUp;
  const cpu = process.cpuUsage();
  // One at a time: the delay of a quiet replica.
  for (let index = 0; index < 500; index += 1) {
    const next = entry(index);
    const arrived = new Promise<void>((resolve) => (wake = resolve));
    sent.set(next.answer.id, performance.now());
    publisher.publish(next);
    await arrived;
  }
  const single = delays.splice(0);
  // Bursts of 200 (a busy replica storing 200 answers at once), 5 times.
  for (let burst = 0; burst < 5; burst += 1) {
    const before = delays.length;
    const done = new Promise<void>((resolve) => (wake = () => delays.length - before >= 200 && resolve()));
    for (let index = 0; index < 200; index += 1) {
      const next = entry(10_000 + burst * 200 + index);
      sent.set(next.answer.id, performance.now());
      publisher.publish(next);
    }
    await done;
  }
  const used = process.cpuUsage(cpu);
  console.log(`propagation, one at a time (500): p50 ${ms(percentile(single, 50))}, p99 ${ms(percentile(single, 99))}, max ${ms(Math.max(...single))}`);
  console.log(`propagation, bursts of 200 (1,000): p50 ${ms(percentile(delays, 50))}, p99 ${ms(percentile(delays, 99))}, max ${ms(Math.max(...delays))}`);
  console.log(`  CPU of this process (publisher + two subscribers + cache inserts): ${((used.user + used.system) / 1000 / 1500).toFixed(3)} ms per entry`);
  subscription.close();
  await Promise.all([publisher.close(), replica.close()]);
}

async function memory(): Promise<void> {
  const feedPrefix = `${prefix}memory:`;
  const publisher = createRedisCacheFeed({ url, prefix: feedPrefix, maxEntries: total });
  const redis = new Redis(url);
  const started = performance.now();
  for (let index = 0; index < total; index += 1) {
    publisher.publish(entry(index));
    if (index % 1000 === 999) await redis.ping(); // let the writes drain
  }
  while ((await redis.xlen(`${feedPrefix}cache-feed`)) < total && performance.now() - started < 300_000) await new Promise((resolve) => setTimeout(resolve, 100));
  const streamBytes = Number(await redis.memory('USAGE', `${feedPrefix}cache-feed`, 'SAMPLES', '0'));
  console.log(`Redis: ${total.toLocaleString('en')} entries in the stream take ${(streamBytes / 2 ** 20).toFixed(1)} MiB (${(streamBytes / total).toFixed(0)} bytes per entry; MEMORY USAGE)`);

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const replica = createRedisCacheFeed({ url, prefix: feedPrefix });
  let received = 0;
  const catchUpStarted = performance.now();
  const cpu = process.cpuUsage();
  createCacheMiddleware({ feed: replica, maxEntriesPerTenant: total });
  const counter = replica.subscribe(() => (received += 1));
  await counter.caughtUp;
  const caughtUp = performance.now() - catchUpStarted;
  const used = process.cpuUsage(cpu);
  // Let the HNSW graph finish building (it is filled a batch per event-loop turn).
  await new Promise((resolve) => setTimeout(resolve, 2000));
  gc();
  const heap = process.memoryUsage().heapUsed - heapBefore;
  const rss = process.memoryUsage().rss - rssBefore;
  console.log(`a replica starting with ${received.toLocaleString('en')} entries in the feed: caught up in ${(caughtUp / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU (reading, parsing, embedding, indexing)`);
  console.log(`  its cache holds them in ${(heap / 2 ** 20).toFixed(0)} MiB of heap, ${(rss / 2 ** 20).toFixed(0)} MiB of RSS (heap + the native HNSW graph), i.e. per 100k entries ${((heap / total) * 100_000 / 2 ** 20).toFixed(0)} MiB heap, ${((rss / total) * 100_000 / 2 ** 20).toFixed(0)} MiB RSS`);
  counter.close();
  await redis.del(`${feedPrefix}cache-feed`);
  redis.disconnect();
  await Promise.all([publisher.close(), replica.close()]);
}

await propagation();
await memory();
process.exit(0);
