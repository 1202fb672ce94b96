import { countFeatures, tokenize, weightFeatures, sparseCosine, FEATURE_BUCKETS } from '../packages/core/src/cache/text-features.js';
import { extractSlots, compareSlots } from '../packages/core/src/cache/slot-guard.js';
import { readPairs, isHeldOut } from './cache-paraphrase-data.js';
const qqp = readPairs('qqp.train.jsonl');
const train = qqp.filter((p) => !isHeldOut(p)), held = qqp.filter(isHeldOut);
const df = new Float64Array(FEATURE_BUCKETS); const texts = new Set<string>();
for (const p of train) texts.add(p.a).add(p.b);
for (const t of texts) for (const k of countFeatures(tokenize(t)).keys()) df[k]++;
const idf = Float64Array.from(df, (d) => Math.log((texts.size + 1) / (d + 1)) + 1);
const both = new Float64Array(FEATURE_BUCKETS), one = new Float64Array(FEATURE_BUCKETS), nboth = new Float64Array(FEATURE_BUCKETS), none_ = new Float64Array(FEATURE_BUCKETS);
for (const p of train) {
  const a = new Set(countFeatures(tokenize(p.a)).keys()), b = new Set(countFeatures(tokenize(p.b)).keys());
  const B = p.duplicate ? both : nboth, O = p.duplicate ? one : none_;
  for (const k of a) (b.has(k) ? B : O)[k]++; for (const k of b) if (!a.has(k)) O[k]++;
}
const seed = [["What's France's capital city?", 'What is the capital of France?'], ['How do I learn Python quickly?', 'How can I learn Python quickly?']];
for (const [gamma, alpha, mode] of [[0, 1, 0], [1, 1, 0], [2, 1, 0], [3, 1, 0], [2, 1, 1], [3, 1, 1], [4, 1, 1]] as const) {
  const w = Float32Array.from(idf, (v, k) => {
    let keep = (2 * both[k]! + alpha * 2) / (2 * both[k]! + one[k]! + alpha * 3);
    if (mode === 1) { const dupOne = (one[k]! + 1) / (one[k]! + both[k]! + 2), nonOne = (none_[k]! + 1) / (none_[k]! + nboth[k]! + 2); keep = Math.min(1, nonOne / dupOne / 2); }
    return v * keep ** gamma;
  });
  const sim = (a: string, b: string) => sparseCosine(weightFeatures(countFeatures(tokenize(a)), w), weightFeatures(countFeatures(tokenize(b)), w));
  const line = [`g=${gamma} m=${mode}`];
  for (const [name, set] of [['held', held], ['mrpc', readPairs('mrpc.jsonl')]] as const) {
    const rows = set.map((p) => ({ s: sim(p.a, p.b), d: p.duplicate, g: compareSlots(extractSlots(p.a), extractSlots(p.b)) === null }));
    const pos = rows.filter((r) => r.d).length;
    for (const t of [0.85, 0.9, 0.95]) { const h = rows.filter((r) => r.s >= t && r.g); const tp = h.filter((r) => r.d).length; line.push(`${name}${t}:P${(tp / h.length).toFixed(2)}/R${(tp / pos).toFixed(3)}`); }
  }
  line.push(seed.map(([a, b]) => sim(a!, b!).toFixed(2)).join(','));
  console.log(line.join(' '));
}
