import { countFeatures, tokenize, weightFeatures, sparseCosine, FEATURE_BUCKETS } from '../packages/core/src/cache/text-features.js';
import { extractSlots, compareSlots } from '../packages/core/src/cache/slot-guard.js';
import { readPairs, isHeldOut } from './cache-paraphrase-data.js';

const qqp = readPairs('qqp.train.jsonl');
const train = qqp.filter((p) => !isHeldOut(p));
const held = qqp.filter(isHeldOut);
const documentFrequency = new Float64Array(FEATURE_BUCKETS);
let documents = 0;
for (const p of train) for (const t of [p.a, p.b]) { documents++; for (const k of countFeatures(tokenize(t)).keys()) documentFrequency[k]++; }
const idf = Float32Array.from(documentFrequency, (df) => Math.log((documents + 1) / (df + 1)) + 1);
function evaluate(name: string, pairs: typeof qqp) {
  const rows = pairs.map((p) => {
    const s = sparseCosine(weightFeatures(countFeatures(tokenize(p.a)), idf), weightFeatures(countFeatures(tokenize(p.b)), idf));
    return { s, d: p.duplicate, v: compareSlots(extractSlots(p.a), extractSlots(p.b)), p };
  });
  const positives = rows.filter((r) => r.d).length;
  console.log(name, rows.length, 'positives', positives);
  for (const t of [0.7, 0.75, 0.8, 0.85, 0.9, 0.95]) {
    const line = [];
    for (const guard of [false, true]) {
      const hits = rows.filter((r) => r.s >= t && (!guard || r.v === null));
      const tp = hits.filter((r) => r.d).length;
      line.push(`${guard ? 'guard' : 'plain'} P=${(tp / hits.length).toFixed(3)} R=${(tp / positives).toFixed(3)} hits=${hits.length}`);
    }
    console.log(t, line.join(' | '));
  }
  const verdicts: Record<string, [number, number]> = {};
  for (const r of rows.filter((r) => r.s >= 0.8 && r.v)) { const v = (verdicts[r.v!] ??= [0, 0]); v[r.d ? 0 : 1]++; }
  console.log('blocked at 0.8 [dup, nondup]', verdicts);
  return rows;
}
const rows = evaluate('qqp held-out', held);
evaluate('mrpc', readPairs('mrpc.jsonl'));
if (process.argv[2] === 'show') for (const r of rows.filter((r) => r.s >= Number(process.argv[3] ?? 0.85) && r.v === null && !r.d).slice(0, 30)) console.log(r.s.toFixed(3), r.p.a, ' || ', r.p.b);
if (process.argv[2] === 'blocked') for (const r of rows.filter((r) => r.s >= 0.8 && r.v !== null && r.d).slice(0, 40)) console.log(r.v, r.s.toFixed(3), r.p.a, ' || ', r.p.b);
