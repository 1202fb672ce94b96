import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cpuMs, rssMb } from './process-stats.js';
import { latencies, throughput, type Endpoint } from './load.js';
import { ownChild, startProcess } from './start-process.js';

// What a gateway's memory holds after the gateway benchmark's load, and what V8 flags change it:
// `npx tsx bench/gateway/memory-after-load.ts <target> [node flags...]` (targets as in
// target-process.mjs; build first with `npx tsc -b`), e.g. `express-auto --max-semi-space-size=8`.
// The load is the benchmark's (bench/gateway-peers.ts): a warm-up, then three rounds of 200
// requests at concurrency 1, 400 at 16, 50 streamed and 1 s each at concurrency 10 and 50.
// Prints the CPU per request under the throughput runs (/proc), the RSS before and after, and the
// young (new space) and old generations' sizes after.
const [target = 'express-auto', ...nodeFlags] = process.argv.slice(2);
const here = new URL('.', import.meta.url).pathname;
const report = `${mkdtempSync(`${tmpdir()}/routekit-heap-`)}/heap.json`;

const { message: mock } = await startProcess('mock-process.mjs', []);
const gateway: ChildProcess = ownChild(
  spawn(process.execPath, ['--import', `${here}heap-report.mjs`, ...nodeFlags, `${here}target-process.mjs`, target, mock.url as string], {
    stdio: ['ignore', 'inherit', 'ignore', 'ipc'],
    env: { ...process.env, ROUTEKIT_HEAP_REPORT: report },
  }),
);
const port = await new Promise<number>((resolve) => gateway.once('message', (message) => resolve((message as { port: number }).port)));
const endpoint: Endpoint = { url: `http://127.0.0.1:${port}/v1`, headers: {}, model: target.endsWith('explicit') ? 'openai/gpt-4.1-mini' : 'auto' };
const idle = rssMb(gateway.pid!);
/** The gateway's garbage collections so far (heap-report.mjs). */
async function heapReport(): Promise<{ collections: number; pauseMs: number; heapUsed: number; spaces: Record<string, number> }> {
  gateway.kill('SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 300));
  return JSON.parse(readFileSync(report, 'utf8')) as { collections: number; pauseMs: number; heapUsed: number; spaces: Record<string, number> };
}

await latencies(endpoint, 200, 4);
await latencies(endpoint, 20, 1, true);
await throughput(endpoint, 10, 2);
const warm = await heapReport();
let cpu = 0;
let requests = 0;
for (let round = 0; round < 3; round++) {
  await latencies(endpoint, 200, 1);
  await latencies(endpoint, 400, 16);
  await latencies(endpoint, 50, 1, true);
  const before = cpuMs(gateway.pid!);
  const c10 = await throughput(endpoint, 10, 1);
  const c50 = await throughput(endpoint, 50, 1);
  cpu += cpuMs(gateway.pid!) - before;
  requests += c10.requests + c50.requests;
}
const after = rssMb(gateway.pid!);
const heap = await heapReport();
// Collections over all three rounds (every request of them, not only the throughput runs').
const measured = requests + 3 * (200 + 400 + 50);
console.log(
  `${target}${nodeFlags.length > 0 ? ` ${nodeFlags.join(' ')}` : ''}: ${((cpu * 1000) / requests).toFixed(0)} µs CPU/request; RSS ${idle.toFixed(0)} MB idle, ${after.toFixed(0)} MB after load; young generation ${heap.spaces.new_space} MB, old ${heap.spaces.old_space} MB, heap used ${heap.heapUsed} MB; ${(((heap.collections - warm.collections) * 1000) / measured).toFixed(1)} collections per 1,000 requests, ${(((heap.pauseMs - warm.pauseMs) * 1000) / measured).toFixed(0)} µs of GC pause per request`,
);
process.exit(0);
