import { SemanticCache } from '../packages/core/src/cache/semantic-cache.js';

// What the semantic cache costs one request on the gateway benchmark's prompts: `npx tsx bench/cache-request-cost.ts [prompts]`.
// Each prompt is the same 2,000 characters with another number at the end, so every lookup finds
// near neighbours that the guard refuses ('numbers'), then the prompt is stored: the cache's worst
// case for work per request, and what `npm run bench -- gateway` sends. CPU from process.cpuUsage()
// (every thread of the process), yielding to the event loop as a server does between requests.
const count = Number(process.argv[2] ?? 3000);
const base = 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000);
const prompts = Array.from({ length: count }, (_, index) => `${base} (${index + 1})`);
const cache = new SemanticCache<string>();
let refused = 0;
const before = process.cpuUsage();
const started = performance.now();
for (let index = 0; index < count; index++) {
  const match = cache.lookup('scope', prompts[index]!);
  if (match?.hit) throw new Error(`prompt ${index} was answered with another prompt's answer`);
  if (match) refused += 1;
  cache.store('scope', prompts[index]!, String(index));
  if (index % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
}
const used = process.cpuUsage(before);
const wall = performance.now() - started;
console.log(`semantic lookup + store, 2,000-character prompts: ${((used.user + used.system) / count).toFixed(0)} µs CPU, ${((wall * 1000) / count).toFixed(0)} µs wall per prompt (${count} prompts, ${refused} near neighbours refused by the guard, 0 hits)`);
