import { cpuMs } from './gateway/process-stats.js';
import { startProcess } from './gateway/start-process.js';
import { latencies, percentile, throughput, type Endpoint } from './gateway/load.js';

// `npm run bench -- responses`: what the Responses API adds over chat completions on the same
// routekit gateway (Express, auto), in one run: the same prompt sent as a chat body and as a
// Responses body to one gateway process, rounds interleaved, beside direct calls to the mock for the
// added latency. CPU is the gateway process's user+system time (/proc) per request under load.
// BENCH_ROUNDS (default 5) and BENCH_SECONDS (load seconds per API per round, default 2).
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const { message: mock } = await startProcess('mock-process.mjs', []);
const { child, message: gateway } = await startProcess('target-process.mjs', ['express-auto', mock.url as string]);
const url = `http://127.0.0.1:${gateway.port as number}/v1`;
const direct: Endpoint = { url: mock.url as string, headers: {}, model: 'gpt-4.1-mini' };
const apis: Array<[string, Endpoint]> = [
  ['chat completions', { url, headers: {}, model: 'auto' }],
  ['Responses API', { url, headers: {}, model: 'auto', api: 'responses' }],
];

for (const endpoint of [direct, ...apis.map(([, value]) => value)]) {
  await latencies(endpoint, 300, 4);
  await latencies(endpoint, 30, 1, true);
  await throughput(endpoint, 10, 2);
}

const results = new Map<string, { c1: number[]; firstByte: number[]; cpu: number[]; rps: number[] }>();
for (const name of ['direct', ...apis.map(([name]) => name)]) results.set(name, { c1: [], firstByte: [], cpu: [], rps: [] });
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? apis : [...apis].reverse();
  const base = results.get('direct')!;
  base.c1.push(...(await latencies(direct, 200, 1)));
  base.firstByte.push(...(await latencies(direct, 50, 1, true)));
  for (const [name, endpoint] of order) {
    const result = results.get(name)!;
    result.c1.push(...(await latencies(endpoint, 200, 1)));
    result.firstByte.push(...(await latencies(endpoint, 50, 1, true)));
    const before = cpuMs(child.pid!);
    const load = await throughput(endpoint, 10, seconds);
    if (load.errors > 0) console.log(`  ${name}: ${load.errors} errors under load`);
    result.cpu.push(((cpuMs(child.pid!) - before) * 1000) / load.requests);
    result.rps.push(load.requestsPerSecond);
  }
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const base = results.get('direct')!;
const added = (values: number[], reference: number[], share: number) => percentile(sorted(values), share) - percentile(sorted(reference), share);
console.log(`\nResponses API beside chat completions on one routekit Express gateway (auto), ${rounds} interleaved rounds, 2,000-character prompt, mock upstream in its own process.\n`);
console.log('| API | added p50 c1 | added p99 c1 | stream first byte added p50 | CPU µs/request (median of rounds) | req/s c10 |');
console.log('|---|---|---|---|---|---|');
const rows = apis.map(([name]) => {
  const result = results.get(name)!;
  const row = { name, p50: added(result.c1, base.c1, 0.5), p99: added(result.c1, base.c1, 0.99), firstByte: added(result.firstByte, base.firstByte, 0.5), cpu: percentile(sorted(result.cpu), 0.5), rps: percentile(sorted(result.rps), 0.5) };
  console.log(`| ${name} | ${row.p50.toFixed(3)} ms | ${row.p99.toFixed(3)} ms | ${row.firstByte.toFixed(3)} ms | ${row.cpu.toFixed(0)} | ${row.rps.toFixed(0)} |`);
  return row;
});
const [chat, responses] = rows as [(typeof rows)[number], (typeof rows)[number]];
console.log(`\nResponses / chat: added p50 c1 ${(responses.p50 / chat.p50).toFixed(2)}x, CPU per request ${(responses.cpu / chat.cpu).toFixed(2)}x, stream first byte added ${(responses.firstByte - chat.firstByte).toFixed(3)} ms more.`);
process.exit(0);
