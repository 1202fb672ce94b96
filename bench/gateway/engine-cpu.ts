import { spawn } from 'node:child_process';
import { createEngine } from '@routekit/http';
import { createRedisCounterStore } from '@routekit/core';
import { chatBody } from './load.js';

// The engine's CPU per request with each feature, in one process and without HTTP in front:
// `npx tsx bench/gateway/engine-cpu.ts [requests] [part of a configuration's name]`. The mock upstream runs in a child process, so
// its work is not counted; process.cpuUsage() counts every thread of this one (the garbage
// collector's helpers too). Configurations run one after another, each on a fresh engine, each
// after a warm-up of its own, and twice in alternating order, so a neighbour's load hits them alike;
// the table shows the lower of the two. A quieter signal than the gateway benchmark's /proc figures
// for deciding whether a change pays.
const requests = Number(process.argv[2] ?? 3000);
const here = new URL('.', import.meta.url).pathname;
const mock = spawn(process.execPath, [`${here}mock-process.mjs`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const upstreamUrl = await new Promise<string>((resolve) => mock.once('message', (message) => resolve((message as { url: string }).url)));

const limits = {
  rateLimits: { global: { requestsPerMinute: 10_000_000, tokensPerMinute: 10_000_000_000 } },
  spendLimits: { global: { limits: { daily_usd: 1_000_000 } } },
};
const only = process.argv[3];
interface Configuration {
  name: string;
  model: string;
  features: () => Record<string, unknown>;
}
const all: Configuration[] = [
  { name: 'explicit model', model: 'openai/gpt-4.1-mini', features: () => ({}) },
  { name: 'auto', model: 'auto', features: () => ({}) },
  { name: 'auto + cache', model: 'auto', features: () => ({ cache: true }) },
  { name: 'auto + PII', model: 'auto', features: () => ({ pii: true }) },
  { name: 'auto + limits (memory)', model: 'auto', features: () => limits },
  { name: 'auto + limits (Redis)', model: 'auto', features: () => ({ ...limits, store: createRedisCounterStore({ prefix: `routekit-bench:${process.pid}:${Date.now()}:` }) }) },
  { name: 'auto + cache + PII + limits', model: 'auto', features: () => ({ cache: true, pii: true, ...limits }) },
];
const configurations = all.filter((configuration) => only === undefined || configuration.name === 'explicit model' || configuration.name.includes(only));

async function measure(configuration: (typeof configurations)[number]): Promise<number> {
  const engine = createEngine({ providers: [{ id: 'openai', kind: 'openai', baseUrl: upstreamUrl }], defaultModel: 'openai/gpt-4.1', ...configuration.features() } as Parameters<typeof createEngine>[0]);
  const run = async (count: number) => {
    let left = count;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (left-- > 0) {
          const exchange = engine.createExchange({ request: JSON.parse(chatBody(configuration.model)) });
          const result = await engine.run(exchange);
          if (result.type !== 'response') throw new Error('expected a whole response');
        }
      }),
    );
  };
  await run(Math.min(1000, requests));
  const before = process.cpuUsage();
  await run(requests);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

const results = new Map<string, number>();
for (const order of [configurations, [...configurations].reverse()]) {
  for (const configuration of order) {
    const micros = await measure(configuration);
    results.set(configuration.name, Math.min(results.get(configuration.name) ?? Infinity, micros));
  }
}
const explicit = results.get('explicit model')!;

console.log(`\nEngine CPU per request, in process, no HTTP in front (${requests} requests per configuration, concurrency 10, 2,000-character prompts, the lower of two runs):\n`);
console.log('| configuration | CPU µs/request | vs explicit model |');
console.log('|---|---|---|');
for (const [name, micros] of results) console.log(`| ${name} | ${micros.toFixed(0)} | ${(micros / explicit).toFixed(2)}x |`);
mock.disconnect();
process.exit(0);
