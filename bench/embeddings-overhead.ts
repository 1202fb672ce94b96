import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import { cpuMs } from './gateway/process-stats.js';
import { startProcess } from './gateway/start-process.js';
import { percentile } from './gateway/load.js';

// `npm run bench -- embeddings`: what routekit's gateway adds to POST /v1/embeddings beside what it
// adds to POST /v1/chat/completions, in one run against one gateway process (Express, explicit model)
// and one mock upstream process. Added latency = the gateway's percentile minus the same request sent
// straight to the mock; CPU = the gateway process's user+system time per request under load (/proc).
// The same 2,000-character text goes to both paths; every body differs, so no cache answers.
// Embeddings run twice: `float` (1,536 numbers as JSON, about 30 KB an answer, parsed and written
// again by the gateway) and `base64` (one string, what the openai SDK asks for by default).
// BENCH_ROUNDS (default 3) and BENCH_SECONDS (autocannon seconds per run, default 1) trade time for noise.
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 1);
interface Path {
  name: string;
  route: 'chat/completions' | 'embeddings';
  body(model: 'direct' | 'gateway'): string;
}

const text = 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000);
let sequence = 0;
const next = () => `${text} (${(sequence += 1)})`;
const paths: Path[] = [
  { name: 'chat, explicit model', route: 'chat/completions', body: (to) => JSON.stringify({ model: to === 'gateway' ? 'openai/gpt-4.1-mini' : 'gpt-4.1-mini', messages: [{ role: 'user', content: next() }] }) },
  { name: 'embeddings, float', route: 'embeddings', body: (to) => JSON.stringify({ model: to === 'gateway' ? 'openai/text-embedding-3-small' : 'text-embedding-3-small', input: next(), encoding_format: 'float' }) },
  { name: 'embeddings, base64', route: 'embeddings', body: (to) => JSON.stringify({ model: to === 'gateway' ? 'openai/text-embedding-3-small' : 'text-embedding-3-small', input: next(), encoding_format: 'base64' }) },
];

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function send(url: string, body: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (incoming) => {
      incoming.resume();
      incoming.on('end', () => (incoming.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${incoming.statusCode} from ${url}`))));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function latencies(url: string, body: () => string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) times.push(await send(url, body()));
  return times;
}

const { message } = await startProcess('mock-process.mjs', []);
const upstreamUrl = message.url as string;
const { child: gateway, message: gatewayMessage } = await startProcess('target-process.mjs', ['express-explicit', upstreamUrl]);
const gatewayUrl = `http://127.0.0.1:${gatewayMessage.port as number}/v1`;

const results = new Map<Path, { gateway: number[]; direct: number[]; cpu: number[] }>();
for (const path of paths) {
  // Warm up: connection pools, lazy imports, the JIT.
  await latencies(`${gatewayUrl}/${path.route}`, () => path.body('gateway'), 300);
  await latencies(`${upstreamUrl}/${path.route}`, () => path.body('direct'), 100);
  results.set(path, { gateway: [], direct: [], cpu: [] });
}
const started = performance.now();
for (let round = 0; round < rounds; round += 1) {
  for (const path of paths.map((_, index) => paths[(index + round) % paths.length]!)) {
    const result = results.get(path)!;
    result.direct.push(...(await latencies(`${upstreamUrl}/${path.route}`, () => path.body('direct'), 200)));
    result.gateway.push(...(await latencies(`${gatewayUrl}/${path.route}`, () => path.body('gateway'), 200)));
    const before = cpuMs(gateway.pid!);
    const load = await autocannon({
      url: `${gatewayUrl}/${path.route}`,
      connections: 10,
      duration: seconds,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (request: Record<string, unknown>) => ({ ...request, body: path.body('gateway') }) }],
    });
    if (load.errors + load.non2xx > 0) console.log(`  ${path.name}: ${load.errors + load.non2xx} errors under load`);
    result.cpu.push(((cpuMs(gateway.pid!) - before) * 1000) / load.requests.total);
  }
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const added = (values: number[], base: number[], share: number) => percentile(sorted(values), share) - percentile(sorted(base), share);
const chat = results.get(paths[0]!)!;
const chatAdded = added(chat.gateway, chat.direct, 0.5);
const chatCpu = percentile(sorted(chat.cpu), 0.5);
console.log(`\nEmbeddings beside chat on one gateway process (Express, explicit model): ${rounds} interleaved rounds, ${((performance.now() - started) / 1000).toFixed(0)} s; 2,000-character text, every body different.`);
console.log('| path | added p50 c1 (ms) | added p99 c1 (ms) | gateway CPU per request c10 (µs) | vs chat: added p50 | vs chat: CPU |');
console.log('|---|---|---|---|---|---|');
for (const path of paths) {
  const result = results.get(path)!;
  const p50 = added(result.gateway, result.direct, 0.5);
  const cpu = percentile(sorted(result.cpu), 0.5);
  console.log(`| ${path.name} | ${p50.toFixed(3)} | ${added(result.gateway, result.direct, 0.99).toFixed(3)} | ${cpu.toFixed(0)} | ${(p50 / chatAdded).toFixed(2)}x | ${(cpu / chatCpu).toFixed(2)}x |`);
}
agent.destroy();
process.exit(0);
