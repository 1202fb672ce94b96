import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpuMs, rssMb } from './gateway/process-stats.js';
import { ownChild, startProcess } from './gateway/start-process.js';
import { latencies, percentile, send, throughput, type Endpoint } from './gateway/load.js';
import { svgToPng } from '../packages/cli/src/svg-to-png.js';
import { barChartSvg } from './gateway/bar-chart.js';

// `npm run bench -- gateway`: routekit's Express and Koa gateways beside the Portkey gateway, a bare
// node:http proxy and direct calls, all against one mock upstream, measured in one run. Targets are
// interleaved round by round so that noise on this shared 2-core machine hits them all alike.
// BENCH_ROUNDS (default 3) and BENCH_SECONDS (autocannon seconds per run, default 1) trade time for noise;
// throughput and CPU are the median of the rounds, so one round hit by a neighbour does not decide.
// BENCH_WARMUP (seconds of load per target before anything is measured, default 2) lets the JIT settle:
// a gateway runs for days, and its first seconds would otherwise count against the larger code bases.
// BENCH_TARGETS ('|'-separated parts of target names, e.g. `explicit|messages`) runs a subset; direct calls always run, as the baseline.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 1);
const warmupSeconds = Number(process.env.BENCH_WARMUP ?? 2);
const here = new URL('.', import.meta.url).pathname;
const peers = `${here}peers/`;

interface Target {
  name: string;
  /** The process serving it: a routekit or bare-proxy target, Portkey, or none (direct to the mock). */
  kind: 'direct' | 'process' | 'portkey';
  target?: string;
  model: string;
  /** The API the load speaks: chat completions when omitted, Anthropic's Messages API (`/v1/messages`) or OpenAI's Responses API. */
  api?: 'messages' | 'responses';
}

const targets: Target[] = [
  { name: 'direct to the mock', kind: 'direct', model: 'gpt-4.1-mini' },
  { name: 'bare node:http proxy', kind: 'process', target: 'bare-proxy', model: 'gpt-4.1-mini' },
  { name: 'Portkey gateway 1.15.2', kind: 'portkey', model: 'gpt-4.1-mini' },
  { name: 'routekit Express, explicit model', kind: 'process', target: 'express-explicit', model: 'openai/gpt-4.1-mini' },
  { name: 'routekit Express, auto', kind: 'process', target: 'express-auto', model: 'auto' },
  { name: 'routekit Express, auto + cache + PII + limits', kind: 'process', target: 'express-features', model: 'auto' },
  { name: 'routekit Express, auto + cache', kind: 'process', target: 'express-cache', model: 'auto' },
  { name: 'routekit Express, auto + PII', kind: 'process', target: 'express-pii', model: 'auto' },
  { name: 'routekit Express, auto + limits (memory)', kind: 'process', target: 'express-limits', model: 'auto' },
  { name: 'routekit Express, auto + limits (Redis)', kind: 'process', target: 'express-limits-redis', model: 'auto' },
  { name: 'routekit node:http, explicit model', kind: 'process', target: 'node-explicit', model: 'openai/gpt-4.1-mini' },
  { name: 'routekit node:http, auto', kind: 'process', target: 'node-auto', model: 'auto' },
  { name: 'routekit Express, auto, Responses API', kind: 'process', target: 'express-auto', model: 'auto', api: 'responses' },
  { name: 'routekit Koa, explicit model', kind: 'process', target: 'koa-explicit', model: 'openai/gpt-4.1-mini' },
  { name: 'routekit Koa, auto', kind: 'process', target: 'koa-auto', model: 'auto' },
  { name: 'routekit Koa, auto + cache + PII + limits', kind: 'process', target: 'koa-features', model: 'auto' },
  { name: 'routekit Express, explicit model, /v1/messages', kind: 'process', target: 'express-explicit', model: 'openai/gpt-4.1-mini', api: 'messages' },
  { name: 'routekit Koa, explicit model, /v1/messages', kind: 'process', target: 'koa-explicit', model: 'openai/gpt-4.1-mini', api: 'messages' },
].filter((target) => target.kind === 'direct' || process.env.BENCH_TARGETS === undefined || process.env.BENCH_TARGETS.split('|').some((part) => target.name.includes(part)));

mkdirSync(`${here}results`, { recursive: true });
const logFile = openSync(`${here}results/gateway-peers.log`, 'w');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Installs bench/peers on first use (its own package.json; not a dependency of routekit). */
function portkeyInstalled(): boolean {
  if (!existsSync(`${peers}node_modules/@portkey-ai/gateway`)) {
    console.log('installing bench/peers (Portkey gateway 1.15.2) ...');
    const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', peers], { stdio: 'inherit' });
    if (result.status !== 0) return false;
  }
  return true;
}

async function startPortkey(upstreamUrl: string): Promise<{ pid: number; endpoint: Omit<Endpoint, 'model'> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', `${peers}bind-loopback.mjs`, `${peers}node_modules/@portkey-ai/gateway/build/start-server.js`, `--port=${port}`, '--headless'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  ownChild(child);
  const endpoint = { url: `http://127.0.0.1:${port}/v1`, headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstreamUrl, authorization: 'Bearer bench' } };
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await send({ ...endpoint, model: 'gpt-4.1-mini' });
      return { pid: child.pid!, endpoint };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('the Portkey gateway did not answer within 10 s');
}

interface Measured {
  c1: number[];
  c16: number[];
  firstByte: number[];
  c10: number[];
  c50: number[];
  /** CPU µs per request under the autocannon runs, one figure per round. */
  cpuPerRequest: number[];
  rss: number;
}

const { message: mockMessage } = await startProcess('mock-process.mjs', [], logFile);
const upstreamUrl = mockMessage.url as string;
const endpoints = new Map<Target, { endpoint: Endpoint; pid: number | undefined }>();
const withPortkey = targets.some((target) => target.kind === 'portkey') && portkeyInstalled();
if (!withPortkey && targets.some((target) => target.kind === 'portkey')) console.log('Portkey could not be installed; its row is left out.');
// Started together: nothing is measured yet, and each start is mostly waiting for imports.
await Promise.all(
  targets.map(async (target) => {
    if (target.kind === 'direct') endpoints.set(target, { endpoint: { url: upstreamUrl, headers: {}, model: target.model }, pid: undefined });
    else if (target.kind === 'portkey') {
      if (!withPortkey) return;
      const { pid, endpoint } = await startPortkey(upstreamUrl);
      endpoints.set(target, { endpoint: { ...endpoint, model: target.model }, pid });
    } else {
      const { child, message } = await startProcess('target-process.mjs', [target.target!, upstreamUrl], logFile);
      endpoints.set(target, { endpoint: { url: `http://127.0.0.1:${message.port as number}/v1`, headers: {}, model: target.model, ...(target.api !== undefined && { api: target.api }) }, pid: child.pid });
    }
  }),
);

const measured = new Map<Target, Measured>();
const active = targets.filter((target) => endpoints.has(target));
for (const target of active) {
  const { endpoint } = endpoints.get(target)!;
  // Warm up: connection pools, lazy imports, the JIT.
  await latencies(endpoint, 200, 4);
  await latencies(endpoint, 20, 1, true);
  await throughput(endpoint, 10, warmupSeconds);
  measured.set(target, { c1: [], c16: [], firstByte: [], c10: [], c50: [], cpuPerRequest: [], rss: 0 });
}

const started = performance.now();
for (let round = 0; round < rounds; round++) {
  // Rotate the order each round, so no target always runs right after a heavy one.
  const order = active.map((_, index) => active[(index + round) % active.length]!);
  for (const target of order) {
    const { endpoint, pid } = endpoints.get(target)!;
    const result = measured.get(target)!;
    result.c1.push(...(await latencies(endpoint, 200, 1)));
    result.c16.push(...(await latencies(endpoint, 400, 16)));
    result.firstByte.push(...(await latencies(endpoint, 50, 1, true)));
    const cpuBefore = pid === undefined ? 0 : cpuMs(pid);
    const c10 = await throughput(endpoint, 10, seconds);
    const c50 = await throughput(endpoint, 50, seconds);
    if (pid !== undefined) result.cpuPerRequest.push(((cpuMs(pid) - cpuBefore) * 1000) / (c10.requests + c50.requests));
    if (c10.errors + c50.errors > 0) console.log(`  ${target.name}: ${c10.errors + c50.errors} errors under load`);
    result.c10.push(c10.requestsPerSecond);
    result.c50.push(c50.requestsPerSecond);
    if (pid !== undefined) result.rss = rssMb(pid);
  }
}
const wallSeconds = (performance.now() - started) / 1000;

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => percentile(sorted(values), 0.5);
const direct = measured.get(targets[0]!)!;
const summary = active.map((target) => {
  const result = measured.get(target)!;
  const added = (values: number[], base: number[], share: number) => percentile(sorted(values), share) - percentile(sorted(base), share);
  return {
    name: target.name,
    throughputC10: median(result.c10),
    throughputC50: median(result.c50),
    addedP50C1: added(result.c1, direct.c1, 0.5),
    addedP99C1: added(result.c1, direct.c1, 0.99),
    addedP50C16: added(result.c16, direct.c16, 0.5),
    addedP99C16: added(result.c16, direct.c16, 0.99),
    addedFirstByteP50: added(result.firstByte, direct.firstByte, 0.5),
    cpuMicrosPerRequest: target.kind === 'direct' ? 0 : median(result.cpuPerRequest),
    rssMb: result.rss,
  };
});

const fixed = (value: number, digits = 3) => value.toFixed(digits);
console.log(`\nGateway beside peers: ${rounds} interleaved rounds, ${wallSeconds.toFixed(0)} s; mock upstream answers instantly in its own process; 2,000-character prompt, every body different.`);
console.log('Added latency = the target\'s percentile minus direct\'s, same run. CPU = the gateway process\'s user+system time under the autocannon runs (/proc), per request; throughput and CPU are medians of the rounds.\n');
console.log('| target | req/s c10 | req/s c50 | added p50 c1 | added p99 c1 | added p50 c16 | added p99 c16 | stream first byte added p50 | CPU µs/request | RSS MB after load |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of summary) {
  console.log(`| ${row.name} | ${fixed(row.throughputC10, 0)} | ${fixed(row.throughputC50, 0)} | ${fixed(row.addedP50C1)} ms | ${fixed(row.addedP99C1)} ms | ${fixed(row.addedP50C16)} ms | ${fixed(row.addedP99C16)} ms | ${fixed(row.addedFirstByteP50)} ms | ${fixed(row.cpuMicrosPerRequest, 0)} | ${row.rssMb === 0 ? '' : fixed(row.rssMb, 0)} |`);
}

const find = (name: string) => summary.find((row) => row.name === name);
const bare = find('bare node:http proxy');
const portkey = find('Portkey gateway 1.15.2');
console.log('\n| routekit target | throughput c10 vs Portkey | vs bare proxy | added p50 c1 vs bare proxy\'s | CPU/request vs bare proxy |');
console.log('|---|---|---|---|---|');
for (const row of summary.filter((entry) => entry.name.startsWith('routekit'))) {
  const versusPortkey = portkey === undefined ? 'n/a' : `${fixed(row.throughputC10 / portkey.throughputC10, 2)}x`;
  if (bare === undefined) continue;
  console.log(`| ${row.name} | ${versusPortkey} | ${fixed(row.throughputC10 / bare.throughputC10, 2)}x | ${fixed(row.addedP50C1 / Math.max(bare.addedP50C1, 1e-3), 2)}x | ${fixed(row.cpuMicrosPerRequest / bare.cpuMicrosPerRequest, 2)}x |`);
}

// Anthropic's Messages API in front (issue 22): the same gateway and model, translated at the edge, against the chat path in this run.
const messagesRows = summary.filter((row) => row.name.endsWith('/v1/messages'));
if (messagesRows.length > 0) {
  console.log('\n| /v1/messages vs chat completions (same framework, explicit model) | added p50 c1 | added p50 c16 | stream first byte added p50 | CPU µs/request |');
  console.log('|---|---|---|---|---|');
  for (const row of messagesRows) {
    const chat = find(row.name.replace(', /v1/messages', ''));
    if (chat === undefined) continue;
    console.log(`| ${row.name} | ${fixed(row.addedP50C1)} vs ${fixed(chat.addedP50C1)} ms (${fixed(row.addedP50C1 / Math.max(chat.addedP50C1, 1e-3), 2)}x) | ${fixed(row.addedP50C16)} vs ${fixed(chat.addedP50C16)} ms | ${fixed(row.addedFirstByteP50)} vs ${fixed(chat.addedFirstByteP50)} ms | ${fixed(row.cpuMicrosPerRequest, 0)} vs ${fixed(chat.cpuMicrosPerRequest, 0)} (${fixed(row.cpuMicrosPerRequest / chat.cpuMicrosPerRequest, 2)}x) |`);
  }
}

// Issue 25: what each feature costs beside the path it runs on, and the targets for the features, in this run.
const explicitExpress = find('routekit Express, explicit model');
const autoExpress = find('routekit Express, auto');
const featureRows = summary.filter((row) => row.name.startsWith('routekit Express, auto + '));
if (explicitExpress !== undefined && autoExpress !== undefined && featureRows.length > 0) {
  console.log('\n| feature (Express, auto) | CPU µs/request | added to auto | vs explicit model | throughput c10 | RSS MB |');
  console.log('|---|---|---|---|---|---|');
  for (const row of [autoExpress, ...featureRows]) {
    console.log(`| ${row.name.replace('routekit Express, ', '')} | ${fixed(row.cpuMicrosPerRequest, 0)} | ${row === autoExpress ? '' : `+${fixed(row.cpuMicrosPerRequest - autoExpress.cpuMicrosPerRequest, 0)}`} | ${fixed(row.cpuMicrosPerRequest / explicitExpress.cpuMicrosPerRequest, 2)}x | ${fixed(row.throughputC10, 0)} | ${fixed(row.rssMb, 0)} |`);
  }
  const targets25: Array<[string, boolean]> = [];
  for (const framework of ['Express', 'Koa']) {
    const explicit = find(`routekit ${framework}, explicit model`);
    const auto = find(`routekit ${framework}, auto`);
    const features = find(`routekit ${framework}, auto + cache + PII + limits`);
    if (explicit === undefined || auto === undefined || features === undefined) continue;
    targets25.push(
      [`cache + PII + limits CPU/request <= 2x the explicit path's (${framework}: ${fixed(features.cpuMicrosPerRequest / explicit.cpuMicrosPerRequest, 2)}x)`, features.cpuMicrosPerRequest <= 2 * explicit.cpuMicrosPerRequest],
      [`auto CPU/request <= 1.2x the explicit path's (${framework}: ${fixed(auto.cpuMicrosPerRequest / explicit.cpuMicrosPerRequest, 2)}x)`, auto.cpuMicrosPerRequest <= 1.2 * explicit.cpuMicrosPerRequest],
      [`stream first byte added < 1 ms (${framework}, auto: ${fixed(auto.addedFirstByteP50)} ms)`, auto.addedFirstByteP50 < 1],
    );
    if (portkey !== undefined) {
      targets25.push(
        [`cache + PII + limits throughput c10 >= 1.5x Portkey's (${framework}: ${fixed(features.throughputC10 / portkey.throughputC10, 2)}x)`, features.throughputC10 >= 1.5 * portkey.throughputC10],
        [`auto throughput c10 >= 3x Portkey's (${framework}: ${fixed(auto.throughputC10 / portkey.throughputC10, 2)}x)`, auto.throughputC10 >= 3 * portkey.throughputC10],
      );
    }
    targets25.push([`RSS after load <= 150 MB, auto, cache off (${framework}: ${fixed(auto.rssMb, 0)} MB)`, auto.rssMb <= 150]);
  }
  console.log('\nTargets (issue 25), this run:');
  for (const [label, met] of targets25) console.log(`  ${met ? 'met    ' : 'not met'}  ${label}`);
}

const express = find('routekit Express, auto');
if (express === undefined || bare === undefined) {
  console.log('\n(a subset ran: the issue-12 targets need the bare proxy and Express auto rows)');
  process.exit(0);
}
const responses = find('routekit Express, auto, Responses API');
const checks = [
  ['throughput c10 >= 4x Portkey (Express, auto)', portkey !== undefined && express.throughputC10 >= 4 * portkey.throughputC10],
  ['throughput c10 within 1.5x of the bare proxy (Express, auto)', express.throughputC10 * 1.5 >= bare.throughputC10],
  ['added p50 c1 <= 1.3x the bare proxy\'s (Express, auto)', express.addedP50C1 <= 1.3 * bare.addedP50C1],
  ['added p99 c1 < 1 ms (Express, auto)', express.addedP99C1 < 1],
  ['stream first byte added < 1 ms (Express, auto)', express.addedFirstByteP50 < 1],
  ['RSS after load < 100 MB, cache off (Express, auto)', express.rssMb < 100],
  ['Responses API added p50 c1 within 1.2x of chat\'s (Express, auto; issue 21)', responses !== undefined && responses.addedP50C1 <= 1.2 * express.addedP50C1],
  ['Responses API CPU/request within 1.2x of chat\'s (Express, auto; issue 21)', responses !== undefined && responses.cpuMicrosPerRequest <= 1.2 * express.cpuMicrosPerRequest],
  ['Responses API stream first byte added < 1 ms (Express, auto; issue 21)', responses !== undefined && responses.addedFirstByteP50 < 1],
] as const;
console.log('\nTargets (issues 12 and 21), this run:');
for (const [label, met] of checks) console.log(`  ${met ? 'met    ' : 'not met'}  ${label}`);

mkdirSync(`${here}results`, { recursive: true });
writeFileSync(`${here}results/gateway-peers.json`, `${JSON.stringify({ rounds, seconds, wallSeconds, summary }, null, 2)}\n`);
const svg = barChartSvg({
  title: 'Throughput at concurrency 10 (requests/s, higher is better)',
  bars: summary.map((row) => ({ label: row.name, value: row.throughputC10 })),
});
writeFileSync(`${here}results/gateway-peers.svg`, svg);
writeFileSync(`${here}results/gateway-peers.png`, svgToPng(svg));
console.log(`\nwrote bench/results/gateway-peers.json, .svg and .png`);
process.exit(0);
