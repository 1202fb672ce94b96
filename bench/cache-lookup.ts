// Semantic cache lookup cost: embedding alone, linear scan vs HNSW at growing sizes (the crossover
// that sets `bruteForceLimit`), and at 100k entries: lookup p50/p99 including embedding and guard,
// recall@1 of the HNSW path against exact search, build time and memory.
// Run: PATH=$PWD/node_modules/.bin:$PATH node --expose-gc node_modules/tsx/dist/cli.mjs bench/cache-lookup.ts [entries]
import { createHashedEmbedder } from '../packages/core/src/cache/hashed-embedder.js';
import { promptWords } from '../packages/core/src/cache/paraphrase-verifier.js';
import { createSemanticCache } from '../packages/core/src/cache/semantic-cache.js';
import { readPairs } from '../scripts/cache-paraphrase-data.js';

const total = Number(process.argv[2] ?? 100_000);
const pairs = [...readPairs('qqp.train.jsonl'), ...readPairs('mrpc.jsonl')];
const real = [...new Set(pairs.flatMap((pair) => [pair.a, pair.b]))];

// Real questions first, then recombinations (the first half of one question and the second half of
// another) so that 100k entries have the vocabulary and length of real prompts.
function corpus(size: number): string[] {
  const texts = real.slice(0, size);
  let seed = 1;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const seen = new Set(texts);
  while (texts.length < size) {
    const left = real[Math.floor(random() * real.length)]!.split(' ');
    const right = real[Math.floor(random() * real.length)]!.split(' ');
    const text = [...left.slice(0, Math.ceil(left.length / 2)), ...right.slice(Math.floor(right.length / 2))].join(' ');
    if (!seen.has(text)) texts.push(text), seen.add(text);
  }
  return texts;
}

// What a cache is asked: a stored prompt reworded lightly (case, punctuation, one word dropped).
function perturb(text: string, index: number): string {
  const words = text.replace(/[?.!,]/g, '').split(' ');
  if (words.length > 6) words.splice(1 + (index % (words.length - 2)), 1);
  return index % 2 ? words.join(' ').toLowerCase() : words.join(' ');
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

const embedder = createHashedEmbedder();
const texts = corpus(total);
const queries = Array.from({ length: 2000 }, (_, index) => perturb(texts[(index * 7919) % texts.length]!, index));

{
  // `.dense` read too: the hashed embedder projects it only when first read (as the index does for a new point).
  for (const query of queries.slice(0, 300)) embedder.embed(`${query} warm`).dense;
  const times: number[] = [];
  for (const query of queries) {
    const start = performance.now();
    embedder.embed(query).dense;
    times.push(performance.now() - start);
  }
  console.log(`embedding alone: p50 ${percentile(times, 0.5).toFixed(4)} ms, p99 ${percentile(times, 0.99).toFixed(4)} ms (event-loop budget 1 ms: no worker thread needed)`);
}

globalThis.gc?.();
const heapBefore = process.memoryUsage();
const cache = createSemanticCache<number>({ embedder, bruteForceLimit: 2000 });
const buildStart = performance.now();
// Inserts arrive over time in a server: yield now and then so the graph build keeps pace.
for (const [index, text] of texts.entries()) {
  cache.store('scope', text, index);
  if (index % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
}
await cache.index('scope')!.whenIndexed();
const buildSeconds = (performance.now() - buildStart) / 1000;
globalThis.gc?.();
const heapAfter = process.memoryUsage();
// The projection table (256 KB) is allocated before the baseline; what is left is per entry.
const index = cache.index('scope')!;
const megabytes = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
console.log(`\n${total} entries: build ${buildSeconds.toFixed(1)} s (HNSW M=12, efConstruction=100, 64-d); memory +${megabytes(heapAfter.rss - heapBefore.rss)} MB rss: JS heap +${megabytes(heapAfter.heapUsed - heapBefore.heapUsed)} MB (entries, slots), typed arrays +${megabytes(heapAfter.arrayBuffers - heapBefore.arrayBuffers)} MB (sparse and dense vectors), the rest native (HNSW graph, allocator)`);

// Warm the lookup path up first (JIT), as a running server would be.
for (const query of queries.slice(0, 300)) cache.lookup('scope', `${query} warm`);
const times: number[] = [];
for (const query of queries) {
  const start = performance.now();
  cache.lookup('scope', query);
  times.push(performance.now() - start);
}
// Exact search scans all entries on the sparse features (~0.1 s a query at 100k): 500 queries.
const recallQueries = queries.slice(0, 500);
let agree = 0;
let nearDuplicates = 0;
let agreeNear = 0;
for (const query of recallQueries) {
  const embedding = embedder.embed(query);
  const exact = index.searchExact(embedding)!;
  const approximate = index.search(embedding)[0];
  const same = approximate !== undefined && (approximate.label === exact.label || approximate.similarity >= exact.similarity);
  agree += same ? 1 : 0;
  if (exact.similarity >= 0.9) {
    nearDuplicates += 1;
    agreeNear += same ? 1 : 0;
  }
}
// The verifier's own cost: the query's content words (computed once per lookup when a candidate
// falls between the verifier's floor and the threshold), measured alone for its share of the lookup.
const wordTimes = queries.map((query) => {
  const start = performance.now();
  promptWords(query);
  return performance.now() - start;
});
console.log(`lookup incl. embedding, verifier and guard: p50 ${percentile(times, 0.5).toFixed(3)} ms, p99 ${percentile(times, 0.99).toFixed(3)} ms (verifier content words alone: p50 ${percentile(wordTimes, 0.5).toFixed(3)} ms, p99 ${percentile(wordTimes, 0.99).toFixed(3)} ms)`);
console.log(`recall@1 vs exact search: ${(agree / recallQueries.length).toFixed(4)} over all ${recallQueries.length} queries; ${(agreeNear / nearDuplicates).toFixed(4)} over the ${nearDuplicates} whose best exact similarity is >= 0.90`);

{
  const sentence = 'The quarterly report shows revenue of 4.2 million in Europe, and the team in Berlin expects growth. ';
  const cells: string[] = [];
  for (const characters of [500, 2000, 3000, 8000]) {
    const text = sentence.repeat(Math.ceil(characters / sentence.length)).slice(0, characters);
    for (let round = 0; round < 20; round += 1) embedder.embed(`${text} ${round}`).dense;
    const start = performance.now();
    for (let round = 0; round < 50; round += 1) embedder.embed(`${text} ${round}`).dense;
    cells.push(`${characters} chars ${((performance.now() - start) / 50).toFixed(3)} ms`);
  }
  console.log(`embedding by prompt length: ${cells.join(', ')} (semantic matching stops at SEMANTIC_MAX_CHARACTERS = 3000)`);
}

console.log('\nentries | linear scan p50 / p99 ms | HNSW p50 / p99 ms | HNSW / linear (p50)');
for (const size of [100, 250, 500, 1000, 2000, 5000, 10_000, 20_000].filter((size) => size <= total)) {
  const row: string[] = [];
  const medians: number[] = [];
  for (const limit of [Number.POSITIVE_INFINITY, 0]) {
    const cache = createSemanticCache<number>({ embedder, bruteForceLimit: limit });
    texts.slice(0, size).forEach((text, index) => cache.store('scope', text, index));
    await cache.index('scope')!.whenIndexed();
    const sample = texts.slice(0, size).slice(0, 500).map(perturb);
    for (const query of sample) cache.lookup('scope', query);
    const times = sample.map((query) => {
      const start = performance.now();
      cache.lookup('scope', query);
      return performance.now() - start;
    });
    medians.push(percentile(times, 0.5));
    row.push(`${percentile(times, 0.5).toFixed(3)} / ${percentile(times, 0.99).toFixed(3)}`);
  }
  console.log(`${String(size).padStart(7)} | ${row[0]!.padEnd(24)} | ${row[1]!.padEnd(17)} | ${(medians[1]! / medians[0]!).toFixed(2)}`);
}


// What the paraphrase verifier costs per lookup: the same 20k entries and queries, cosine only
// (verify: false, the previous matcher) as the baseline.
{
  const size = Math.min(20_000, total);
  const medians: number[] = [];
  const cells: string[] = [];
  for (const verify of [false, true]) {
    const cache = createSemanticCache<number>({ embedder, verify });
    texts.slice(0, size).forEach((text, index) => cache.store('scope', text, index));
    await cache.index('scope')!.whenIndexed();
    const sample = texts.slice(0, 1000).map(perturb);
    for (const query of sample) cache.lookup('scope', query);
    const times = sample.map((query) => {
      const start = performance.now();
      cache.lookup('scope', query);
      return performance.now() - start;
    });
    medians.push(percentile(times, 0.5));
    cells.push(`${verify ? 'verifier' : 'cosine only'} p50 ${percentile(times, 0.5).toFixed(3)} / p99 ${percentile(times, 0.99).toFixed(3)} ms`);
  }
  console.log(`\n${size} entries: ${cells.join('; ')}; verifier / cosine only (p50) ${(medians[1]! / medians[0]!).toFixed(2)}`);
}
