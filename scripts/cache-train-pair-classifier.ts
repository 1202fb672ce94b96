// Trains the semantic cache's pair classifier (gradient-boosted trees over pair-features.ts) on the
// QQP training 70% and writes packages/core/src/cache/pair-classifier.json, with the cut per
// configured threshold: threshold t maps to the lowest classifier probability at which the
// out-of-fold training hits (hand verifier's hits plus classifier hits) reach precision t + 0.02.
// The 0.02: in scripts/cache-pair-classifier-experiment.ts out-of-fold training precision overstated
// held-out precision by 1-3 points at every target, and a threshold should mean at least its precision.
// Only pairs the slot guard passes and whose cosine is at least the lookup floor are used.
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx scripts/cache-train-pair-classifier.ts
import { writeFileSync } from 'node:fs';
import { createHashedEmbedder } from '../packages/core/src/cache/hashed-embedder.js';
import { PAIR_FEATURE_NAMES, pairFeatures } from '../packages/core/src/cache/pair-features.js';
import { promptWords, STRICT_MARGIN, verifyParaphrase } from '../packages/core/src/cache/paraphrase-verifier.js';
import { compareSlots, extractSlots } from '../packages/core/src/cache/slot-guard.js';
import { isHeldOut, readPairs } from './cache-paraphrase-data.js';
import { cutForPrecision, DEFAULT_BOOSTING, trainTrees, treeScore } from './cache-pair-classifier-training.js';

// The lowest cosine a lookup ever passes to the verifier: the lowest threshold (0.90) minus the margin.
const FLOOR = 0.9 - STRICT_MARGIN;
const PRECISION_MARGIN = 0.02;
const embedder = createHashedEmbedder();
const rows = readPairs('qqp.train.jsonl')
  .filter((pair) => !isHeldOut(pair))
  .flatMap((pair) => {
    const cosine = embedder.similarity(embedder.embed(pair.a), embedder.embed(pair.b));
    if (cosine < FLOOR || compareSlots(extractSlots(pair.b), extractSlots(pair.a)) !== null) return [];
    const query = promptWords(pair.b);
    const cached = promptWords(pair.a);
    return [{ duplicate: pair.duplicate, features: pairFeatures(query, cached, cosine), verified: verifyParaphrase(query, cached, cosine, 0.95, false) !== null }];
  });
const labels = rows.map((row) => row.duplicate);
const outOfFold = new Array<number>(rows.length);
for (let fold = 0; fold < 5; fold += 1) {
  const model = trainTrees(rows.filter((_, index) => index % 5 !== fold).map((row) => row.features), labels.filter((_, index) => index % 5 !== fold));
  rows.forEach((row, index) => {
    if (index % 5 === fold) outOfFold[index] = row.verified ? 1 : treeScore(model, row.features);
  });
}
const model = trainTrees(rows.map((row) => row.features), labels, DEFAULT_BOOSTING);
let previous = 0;
const cuts = Array.from({ length: 10 }, (_, step) => {
  const threshold = Math.round((0.9 + step / 100) * 100) / 100;
  // Monotone: a higher threshold never accepts more.
  previous = Math.max(previous, threshold + PRECISION_MARGIN >= 1 ? 1 : cutForPrecision(outOfFold, labels, threshold + PRECISION_MARGIN));
  return [threshold, Math.round(previous * 1e4) / 1e4];
});
const output = new URL('../packages/core/src/cache/pair-classifier.json', import.meta.url);
writeFileSync(output, JSON.stringify({ source: 'QQP train half, 70% split by id hash; scripts/cache-train-pair-classifier.ts', featureNames: PAIR_FEATURE_NAMES, cuts, ...model }) + '\n');
console.log(`wrote ${output.pathname}: ${rows.length} training pairs, ${model.features.length} trees; cuts ${cuts.map(([threshold, cut]) => `${threshold}->${cut}`).join(' ')}`);
