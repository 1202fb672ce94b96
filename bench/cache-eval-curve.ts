// The semantic cache's precision-recall curve on the held-out 30% of the QQP half and on MRPC:
// cosine only (verify: false) against the two-stage match (cosine + paraphrase verifier), with
// and without the slot guard, using the shipped embedder and the cache's own store/lookup.
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx bench/cache-eval-curve.ts [--false-hits]
import { evaluateCachePairs } from '../packages/core/src/cache/evaluate-cache-pairs.js';
import { isHeldOut, readPairs } from '../scripts/cache-paraphrase-data.js';

const sets = { 'qqp held-out': readPairs('qqp.train.jsonl').filter(isHeldOut), mrpc: readPairs('mrpc.jsonl') };
const thresholds = [0.8, 0.85, 0.9, 0.92, 0.95, 0.97, 0.99];
const cell = (result: ReturnType<typeof evaluateCachePairs>) => `${result.precision.toFixed(3)} ${result.recall.toFixed(3)} ${String(result.hits).padStart(4)}`;
for (const [name, pairs] of Object.entries(sets)) {
  console.log(`\n${name}: ${pairs.length} pairs, ${pairs.filter((pair) => pair.duplicate).length} duplicates; cells are precision recall hits`);
  console.log('threshold | verify+guard (default) | verify, no guard | cosine+guard      | cosine, no guard');
  for (const threshold of thresholds) {
    const results = [{}, { guard: false }, { verify: false }, { verify: false, guard: false }].map((options) => evaluateCachePairs(pairs, { similarityThreshold: threshold, ...options }));
    console.log(`${threshold.toFixed(2)}      | ${results.map(cell).join('    | ')}`);
  }
  if (process.argv.includes('--false-hits')) {
    for (const threshold of [0.9, 0.95]) {
      console.log(`false hits at ${threshold} with verifier and guard:`);
      for (const hit of evaluateCachePairs(pairs, { similarityThreshold: threshold }).false_hits) console.log(`  ${hit.similarity} ${hit.a} || ${hit.b}`);
    }
  }
}
