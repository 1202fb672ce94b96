import { tokenize, countFeatures, weightFeatures, sparseCosine, FEATURE_BUCKETS, hashString } from '../packages/core/src/cache/text-features.js';
import { extractSlots, compareSlots } from '../packages/core/src/cache/slot-guard.js';
import { readPairs, isHeldOut } from './cache-paraphrase-data.js';
const FUNCTION = new Set(('a an the and or but if then so of to in on at by for from with about as into is are was were be been being do does did ' +
 'have has had can could will would should shall may might must what which i me my you your it its we us our they them their this that these those there here ' +
 'some any ever really actually way ways one someone something anyone anything people person get good best possible please tips know').split(' '));
function stem(w: string) { if (w.length <= 4) return w; for (const s of ['ing','ies','es','s','ed','ly']) if (w.endsWith(s) && w.length - s.length >= 3) return w.slice(0, -s.length); return w; }
const qqp = readPairs('qqp.train.jsonl');
const train = qqp.filter((p) => !isHeldOut(p)), held = qqp.filter(isHeldOut);
const df = new Float64Array(FEATURE_BUCKETS); let n = 0;
for (const p of train) for (const t of [p.a, p.b]) { n++; for (const k of countFeatures(tokenize(t)).keys()) df[k]++; }
const idf = Float32Array.from(df, (d) => Math.log((n + 1) / (d + 1)) + 1);
const DIFF = 4096, DENSE = 24;
const VERDICTS = [null, 'numbers', 'quoted', 'identifiers', 'names', 'keywords', 'negation'];
function features(a: string, b: string): Map<number, number> {
  const ta = tokenize(a), tb = tokenize(b);
  const f = new Map<number, number>();
  const s = sparseCosine(weightFeatures(countFeatures(ta), idf), weightFeatures(countFeatures(tb), idf));
  f.set(0, 1); f.set(1, s); f.set(2, s * s); f.set(3, s > 0.9 ? 1 : 0); f.set(4, s > 0.8 ? 1 : 0);
  const ca = new Set(ta.filter((w) => !FUNCTION.has(w)).map(stem)), cb = new Set(tb.filter((w) => !FUNCTION.has(w)).map(stem));
  let diff = 0;
  const add = (w: string) => { const k = DENSE + (hashString('d:' + w) & (DIFF - 1)); f.set(k, (f.get(k) ?? 0) + 1); diff++; };
  for (const w of ca) if (!cb.has(w)) add(w); for (const w of cb) if (!ca.has(w)) add(w);
  f.set(5 + Math.min(diff, 4), 1);
  const v = compareSlots(extractSlots(a), extractSlots(b)); f.set(10 + VERDICTS.indexOf(v), 1);
  f.set(17, ta[0] === tb[0] ? 1 : 0);
  f.set(18, Math.min(ta.length, tb.length) / Math.max(ta.length, tb.length, 1));
  const ra = new Set(ta), rb = new Set(tb); let sh = 0; for (const w of ra) if (rb.has(w)) sh++;
  f.set(19, sh / Math.max(ra.size, rb.size, 1)); f.set(20, Math.min(ca.size, 10) / 10);
  f.set(21, a.trim().endsWith('?') === b.trim().endsWith('?') ? 1 : 0);
  return f;
}
const X = train.map((p) => features(p.a, p.b)), Y = train.map((p) => (p.duplicate ? 1 : 0));
const w = new Float64Array(DENSE + DIFF);
const m = new Float64Array(w.length), v2 = new Float64Array(w.length);
const l2 = Number(process.argv[2] ?? 1e-4), lr = 0.02; let step = 0;
for (let epoch = 0; epoch < 30; epoch++) {
  const order = X.map((_, i) => i).sort(() => Math.random() - 0.5);
  for (const i of order) {
    let z = 0; for (const [k, x] of X[i]!) z += w[k]! * x;
    const g = 1 / (1 + Math.exp(-z)) - Y[i]!; step++;
    for (const [k, x] of X[i]!) { const gr = g * x + l2 * w[k]!; m[k] = 0.9 * m[k]! + 0.1 * gr; v2[k] = 0.999 * v2[k]! + 0.001 * gr * gr; w[k]! -= lr * (m[k]! / (1 - 0.9 ** step)) / (Math.sqrt(v2[k]! / (1 - 0.999 ** Math.min(step, 5000))) + 1e-8); }
  }
}
const score = (a: string, b: string) => { let z = 0; for (const [k, x] of features(a, b)) z += w[k]! * x; return 1 / (1 + Math.exp(-z)); };
for (const [name, set] of [['train', train], ['held', held], ['mrpc', readPairs('mrpc.jsonl')]] as const) {
  const rows = set.map((p) => ({ s: score(p.a, p.b), d: p.duplicate, g: compareSlots(extractSlots(p.a), extractSlots(p.b)) === null }));
  const pos = rows.filter((r) => r.d).length;
  const out = [];
  for (const t of [0.5, 0.7, 0.8, 0.85, 0.9, 0.95]) { const h = rows.filter((r) => r.s >= t && r.g); const tp = h.filter((r) => r.d).length; out.push(`${t}:P${(tp / h.length).toFixed(2)}/R${(tp / pos).toFixed(2)}`); }
  console.log(name, out.join(' '));
}
