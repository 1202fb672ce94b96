import { existsSync, readFileSync } from 'node:fs';
import { SemanticCache } from '../packages/core/src/cache/semantic-cache.js';

// What the semantic cache costs one request: `npx tsx bench/cache-request-cost.ts [prompts]`.
// The gateway benchmark's prompts: the same 2,000 characters with another number at the end, so every
// lookup finds near neighbours that the guard refuses ('numbers'), then the prompt is stored: the
// cache's worst case for work per request, and what `npm run bench -- gateway` sends. Beside them,
// distinct real questions (QQP, when ../shared/data/paraphrase is there), which never share a point
// of the index. CPU from process.cpuUsage() (every thread of the process), lookups and stores apart,
// yielding to the event loop as a server does between requests.
const count = Number(process.argv[2] ?? 3000);
const base = 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000);
// [name, prompts, whether a hit is a wrong answer]: two QQP questions may well be the same question.
const workloads: Array<[string, string[], boolean]> = [['2,000-character prompts differing in a number', Array.from({ length: count }, (_, index) => `${base} (${index + 1})`), true]];
const qqp = new URL('../../shared/data/paraphrase/qqp.train.jsonl', import.meta.url);
if (existsSync(qqp)) {
  const questions = [...new Set(readFileSync(qqp, 'utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { a: string }).a))];
  workloads.push(['distinct QQP questions', questions.slice(0, count), false]);
}

const microseconds = (usage: NodeJS.CpuUsage) => usage.user + usage.system;
for (const [name, prompts, hitsAreWrong] of workloads) {
  const cache = new SemanticCache<string>();
  let lookupCpu = 0;
  let storeCpu = 0;
  let refused = 0;
  let hits = 0;
  const started = performance.now();
  for (let index = 0; index < prompts.length; index++) {
    let before = process.cpuUsage();
    const match = cache.lookup('scope', prompts[index]!);
    lookupCpu += microseconds(process.cpuUsage(before));
    if (match?.hit && hitsAreWrong) throw new Error(`prompt ${index} was answered with another prompt's answer`);
    if (match?.hit) hits += 1;
    else if (match) refused += 1;
    before = process.cpuUsage();
    cache.store('scope', prompts[index]!, String(index));
    storeCpu += microseconds(process.cpuUsage(before));
    if (index % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const wall = performance.now() - started;
  const points = cache.index('scope')!.size;
  console.log(
    `${name}: lookup ${(lookupCpu / prompts.length).toFixed(0)} + store ${(storeCpu / prompts.length).toFixed(0)} = ${((lookupCpu + storeCpu) / prompts.length).toFixed(0)} µs CPU, ${((wall * 1000) / prompts.length).toFixed(0)} µs wall per prompt ` +
      `(${prompts.length} prompts under ${points} index points, ${cache.index('scope')!.usesGraph ? 'HNSW' : 'linear scan'}; ${refused} refused by the guard, ${hits} hits)`,
  );
}
