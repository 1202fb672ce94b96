import http from 'node:http';
import { Pool } from 'undici';
import { createUpstreamPool, sendUpstreamRequest, upstreamTarget } from '../packages/core/src/upstream/upstream-http.js';
import { startProcess } from './gateway/start-process.js';

// `npm run bench -- upstream-client`: what one upstream call costs the gateway's own process, client
// side only, for the HTTP clients a Node gateway could use, against the mock upstream in a process of
// its own: node:http's `request` with a keep-alive agent (what routekit used before), undici's
// `Pool.request`, and routekit's `sendUpstreamRequest` on undici's `dispatch` (what it uses now).
// Each call sends a 2,000-character chat body and parses the JSON answer; 10 calls in flight.
// Rounds alternate the clients so that noise on the shared machine hits them alike; CPU time is
// the process's (user + system), so the mock's work is not counted.
const calls = Number(process.env.BENCH_CALLS ?? 10_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const { message } = await startProcess('mock-process.mjs', []);
const url = new URL(`${message.url as string}/chat/completions`);
const prompt = 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000);
const headers = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'routekit', authorization: 'Bearer bench' };
let sequence = 0;
const body = () => JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `${prompt} (${(sequence += 1)})` }] });

const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 256, timeout: 4000, scheduling: 'lifo' });
function viaNodeHttp(): Promise<unknown> {
  const text = body();
  return new Promise((resolve, reject) => {
    const request = http.request({ method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname, headers: { ...headers, 'content-length': String(Buffer.byteLength(text)) }, agent });
    request.on('error', reject);
    request.on('response', (response) => {
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => parts.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString('utf8'))));
    });
    request.end(text);
  });
}

const pool = new Pool(url.origin, { keepAliveTimeout: 4000 });
async function viaUndiciRequest(): Promise<unknown> {
  const response = await pool.request({ method: 'POST', path: url.pathname, headers, body: body() });
  return JSON.parse(await response.body.text());
}

const upstreamPool = createUpstreamPool();
const target = upstreamTarget(url.href);
const signal = new AbortController().signal;
async function viaRoutekit(): Promise<unknown> {
  const response = await sendUpstreamRequest({ target, headers, body: body(), pool: upstreamPool, timeoutMs: 60_000, idleTimeoutMs: 60_000, signal });
  return JSON.parse(await response.text());
}

async function run(call: () => Promise<unknown>, count: number): Promise<void> {
  let left = count;
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (left-- > 0) await call();
  }));
}

const clients: Array<[string, () => Promise<unknown>]> = [
  ['node:http request, keep-alive agent', viaNodeHttp],
  ['undici Pool.request', viaUndiciRequest],
  ['routekit sendUpstreamRequest (undici dispatch)', viaRoutekit],
];
const cpu = new Map<string, number[]>(clients.map(([name]) => [name, []]));
// Warm-up: connections, the JIT.
for (const [, call] of clients) await run(call, calls);
for (let round = 0; round < rounds; round++) {
  for (const [name, call] of clients) {
    const before = process.cpuUsage();
    await run(call, calls);
    const used = process.cpuUsage(before);
    cpu.get(name)!.push((used.user + used.system) / calls);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const baseline = median(cpu.get(clients[0]![0])!);
console.log(`\nUpstream call, client side: ${rounds} alternated rounds of ${calls} calls at concurrency 10; CPU µs per call (median of the rounds, then every round).\n`);
console.log('| client | CPU µs/call | vs node:http | rounds |');
console.log('|---|---|---|---|');
for (const [name] of clients) {
  const values = cpu.get(name)!;
  console.log(`| ${name} | ${median(values).toFixed(1)} | ${(median(values) / baseline).toFixed(2)}x | ${values.map((value) => value.toFixed(1)).join(', ')} |`);
}
agent.destroy();
await pool.close();
await upstreamPool.close();
process.exit(0);
