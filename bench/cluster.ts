// Replicas behind HAProxy (scripts/cluster/start-cluster.ts, as `npm run cluster` runs them):
//  1. CPU per request through the balancer and a replica, beside one replica alone (from
//     /proc/<pid>/stat, so only the gateway's and HAProxy's processes count, not the client's);
//  2. the cache propagation delay between replicas: from a replica's answer to the entry reaching a
//     subscriber of the shared feed (what every other replica runs), p50/p99; and a check that the
//     other replica then answers it from its cache.
// Run: node --conditions=@routekit/source --import tsx bench/cluster.ts   (HAProxy; Redis and PostgreSQL on 127.0.0.1)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRedisCacheFeed } from '../packages/core/src/cache/redis-cache-feed.js';
import { startMockUpstream } from '../packages/core/src/testing/mock-upstream.js';
import { startCluster } from '../scripts/cluster/start-cluster.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `routekit-bench:cluster-${randomUUID().slice(0, 8)}:`;
const requests = Number(process.env.BENCH_REQUESTS ?? 1000);
const concurrency = 20;
const ticksPerSecond = 100; // USER_HZ on Linux

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

async function load(url: string, count: number, label: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-routekit-cache': 'off' }, body: JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: `${label} ${index}` }] }) });
      if (response.status !== 200) throw new Error(`${label}: status ${response.status}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const upstream = await startMockUpstream();
const cluster = await startCluster({
  replicas: 2,
  config: { providers: [{ id: 'openai', kind: 'openai', baseUrl: upstream.url, apiKey: 'bench' }], cache: true, redis: { url: redisUrl, prefix }, database: process.env.ROUTEKIT_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
});
try {
  const [a, b] = cluster.replicas;
  await load(a!.url, 200, 'warm-up');
  await load(cluster.url, 200, 'warm-up-balanced');
  // What the processes use with no requests (health checks every 500 ms, the feed's blocked reads,
  // timers), per second: subtracted below, so the figures are per request.
  const everyone = [cluster.balancerPid, a!.process!.pid!, b!.process!.pid!];
  const idleStart = everyone.map(cpuMs);
  const idleWall = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idlePerSecond = everyone.map((pid, index) => ((cpuMs(pid) - idleStart[index]!) * 1000) / (performance.now() - idleWall));
  console.log(`idle CPU: HAProxy ${idlePerSecond[0]!.toFixed(1)} ms/s, each replica ${idlePerSecond[1]!.toFixed(1)} and ${idlePerSecond[2]!.toFixed(1)} ms/s`);
  // One replica alone: all its CPU.
  let wall = performance.now();
  let before = cpuMs(a!.process!.pid!);
  await load(a!.url, requests, 'direct');
  const aloneWall = performance.now() - wall;
  const alone = (cpuMs(a!.process!.pid!) - before - (idlePerSecond[1]! * aloneWall) / 1000) / requests;
  // Through the balancer: HAProxy's CPU plus both replicas' (each serves half).
  wall = performance.now();
  const pids = [cluster.balancerPid, a!.process!.pid!, b!.process!.pid!];
  const start = pids.map(cpuMs);
  await load(cluster.url, requests, 'balanced');
  const balancedWall = performance.now() - wall;
  const used = pids.map((pid, index) => cpuMs(pid) - start[index]! - (idlePerSecond[index]! * balancedWall) / 1000);
  console.log(`CPU per request, idle CPU subtracted (${requests} JSON requests, concurrency ${concurrency}, mock upstream, cache off):`);
  console.log(`  one replica alone:            ${alone.toFixed(2)} ms   (${(aloneWall / 1000).toFixed(1)} s wall)`);
  console.log(`  HAProxy + two replicas:       ${((used[0]! + used[1]! + used[2]!) / requests).toFixed(2)} ms   (HAProxy ${(used[0]! / requests).toFixed(2)} ms, replicas ${((used[1]! + used[2]!) / requests).toFixed(2)} ms; ${(balancedWall / 1000).toFixed(1)} s wall)`);

  // Propagation: replica A answers (and stores); a feed subscriber here sees the entry.
  const feed = createRedisCacheFeed({ url: redisUrl, prefix });
  const arrivals = new Map<string, number>();
  const subscription = feed.subscribe((entry) => arrivals.set(entry.answer.id, performance.now()));
  await subscription.caughtUp;
  const delays: number[] = [];
  for (let index = 0; index < 200; index += 1) {
    const response = await fetch(`${a!.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: `How far is city number ${index} from the sea?` }] }) });
    const answered = performance.now();
    const receipt = ((await response.json()) as { 'x-routekit': { cache: { entry_id?: string } } })['x-routekit'];
    void receipt;
    const sizeBefore = arrivals.size;
    const deadline = answered + 5000;
    while (arrivals.size === sizeBefore && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    delays.push([...arrivals.values()].at(-1)! - answered);
  }
  console.log(`cache propagation, answer on replica A -> entry at a feed subscriber (200 entries): p50 ${percentile(delays, 50).toFixed(1)} ms, p99 ${percentile(delays, 99).toFixed(1)} ms`);
  const hit = await fetch(`${b!.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'how far is city number 7 from the sea' }] }) });
  console.log(`  replica B, asked a rewording of one of them: cache ${/cache=(\w+)/.exec(hit.headers.get('x-routekit-receipt') ?? '')?.[1]}`);
  subscription.close();
  await feed.close();
} finally {
  await cluster.close();
  await upstream.close();
}
