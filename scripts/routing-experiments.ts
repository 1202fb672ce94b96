// Exploratory: compares scorer ideas on MMLU/GSM8K with cross-validation on unseen prompts. The
// "tried, not kept" list of docs/routing.md comes from here.
// Run: npx tsx scripts/routing-experiments.ts [mmlu|gsm8k] [random|subject]
// Knobs (environment): VARIANTS=twoLr,softDiff,softDiffPooled,twoLrPooled,bag,statsOnly,mlp,disc,weighted,knn
//   OPTS='{"epochs":5,"learningRate":0.1,"l2":1e-2}' BITS=16 FOLDS=5 SEED=7 IDF=1 POOL=other|bench|all
//   MODE=full|sw (disc) DW=3 (weighted) H/EP/RATE/L2 (mlp) K=50 (knn, slow). Statistics are standardised
//   on all rows here (no labels involved); the shipped training standardises per fold.
import { readFileSync } from 'node:fs';
import { dataDirectory } from './routing-data.js';
import { pairMetrics } from '../packages/core/src/evaluation/routing-metrics.js';
import { PromptFeaturizer, statisticsSpread, type SparseFeatures } from '../packages/core/src/routing/prompt-features.js';
import { dot, seededRandom, sigmoid, trainLogisticRegression } from '../packages/core/src/routing/training/logistic-regression.js';

const strong = 'gpt-4-1106-preview';
const weak = 'mixtral-8x7b-instruct-v0.1';
interface Row { id: string; task: string; prompt: string; scores: Record<string, number> }
const load = (name: string): Row[] => readFileSync(`${dataDirectory}${name}.train.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));

const set = process.argv[2] ?? 'mmlu';
const split = process.argv[3] ?? 'random';
const rows = load(set);
const other = load(set === 'mmlu' ? 'gsm8k' : 'mmlu');
const featurizer = new PromptFeaturizer({ bits: Number(process.env.BITS ?? 16), ...(process.env.STD === '0' ? {} : { standardise: statisticsSpread(rows.map((row) => row.prompt)) }) });
let t = performance.now();
const features = rows.map((row) => featurizer.extract(row.prompt));
if (process.env.IDF === '1') {
  const base = 1 << featurizer.bits;
  const df = new Float64Array(base);
  for (const f of features) for (const i of f.indices) if (i < base) df[i]! += 1;
  for (const f of features) {
    let norm = 0;
    for (let k = 0; k < f.indices.length; k++) if (f.indices[k]! < base) { f.values[k]! *= Math.log((1 + features.length) / (1 + df[f.indices[k]!]!)) + 1; norm += f.values[k]! ** 2; }
    for (let k = 0; k < f.indices.length; k++) if (f.indices[k]! < base) f.values[k]! *= Math.sqrt(3 / norm);
  }
}
const otherFeatures = other.map((row) => featurizer.extract(row.prompt));
const bench = ['routerbench-arc-challenge', 'routerbench-mbpp', 'routerbench-winogrande'].flatMap(load).map((row) => ({ ...row, scores: { [strong]: row.scores[strong]!, [weak]: row.scores['mistralai/mixtral-8x7b-chat']! } }));
const extra = process.env.POOL === 'all' ? [...other, ...bench] : process.env.POOL === 'bench' ? bench : process.env.POOL === 'other' ? other : [];
const extraFeatures = extra.map((row) => featurizer.extract(row.prompt));
console.log(`featurized ${rows.length} in ${(performance.now() - t).toFixed(0)} ms`);

const folds = Number(process.env.FOLDS ?? 5);
const random = seededRandom(Number(process.env.SEED ?? 7));
let fold: number[];
if (split === 'subject') {
  const tasks = [...new Set(rows.map((row) => row.task))];
  const taskFold = new Map(tasks.map((task) => [task, Math.floor(random() * folds)]));
  fold = rows.map((row) => taskFold.get(row.task)!);
} else fold = rows.map(() => Math.floor(random() * folds));

type Scorer = (train: number[], test: number[]) => number[];
const s = (row: Row) => row.scores[strong]!;
const w = (row: Row) => row.scores[weak]!;

function lr(x: SparseFeatures[], y: number[], opts = {}) {
  return trainLogisticRegression(x, y, featurizer.dimension, { epochs: 8, l2: 1e-4, ...opts });
}
const variants: Record<string, Scorer> = {
  twoLr: (train, test) => {
    const o = JSON.parse(process.env.OPTS ?? "{}"); const ws = lr(train.map((i) => features[i]!), train.map((i) => s(rows[i]!)), o);
    const ww = lr(train.map((i) => features[i]!), train.map((i) => w(rows[i]!)), o);
    return test.map((i) => sigmoid(dot(ws, features[i]!.indices, features[i]!.values)) - sigmoid(dot(ww, features[i]!.indices, features[i]!.values)));
  },
  twoLrPooled: (train, test) => {
    const o = JSON.parse(process.env.OPTS ?? '{}');
    const x = [...train.map((i) => features[i]!), ...extraFeatures];
    const ws = lr(x, [...train.map((i) => s(rows[i]!)), ...extra.map(s)], o);
    const ww = lr(x, [...train.map((i) => w(rows[i]!)), ...extra.map(w)], o);
    return test.map((i) => sigmoid(dot(ws, features[i]!.indices, features[i]!.values)) - sigmoid(dot(ww, features[i]!.indices, features[i]!.values)));
  },
  mlp: (train, test) => {
    const H = Number(process.env.H ?? 16), D = featurizer.dimension, epochs = Number(process.env.EP ?? 5), rate = Number(process.env.RATE ?? 0.05), l2 = Number(process.env.L2 ?? 1e-3);
    const rnd = seededRandom(3);
    const W = new Float32Array(D * H).map(() => (rnd() - 0.5) * 0.2), GW = new Float32Array(D * H).fill(1e-6);
    const L = new Float32Array(D * 2), GL = new Float32Array(D * 2).fill(1e-6);
    const V = new Float32Array(H * 2).map(() => (rnd() - 0.5) * 0.2), GV = new Float32Array(H * 2).fill(1e-6);
    const h = new Float32Array(H), dh = new Float32Array(H);
    const forward = (f: SparseFeatures, out: number[]) => {
      h.fill(0);
      for (let k = 0; k < f.indices.length; k++) { const base = f.indices[k]! * H, v = f.values[k]!; for (let j = 0; j < H; j++) h[j]! += W[base + j]! * v; }
      for (let j = 0; j < H; j++) h[j] = Math.tanh(h[j]!);
      for (let m = 0; m < 2; m++) { let z = 0; for (let j = 0; j < H; j++) z += V[m * H + j]! * h[j]!; for (let k = 0; k < f.indices.length; k++) z += L[m * D + f.indices[k]!]! * f.values[k]!; out[m] = sigmoid(z); }
    };
    const order = [...train];
    const out = [0, 0];
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
      for (const i of order) {
        const f = features[i]!; forward(f, out);
        const err = [out[0]! - s(rows[i]!), out[1]! - w(rows[i]!)];
        dh.fill(0);
        for (let m = 0; m < 2; m++) for (let j = 0; j < H; j++) { dh[j]! += err[m]! * V[m * H + j]!; const g = err[m]! * h[j]!; GV[m * H + j]! += g * g; V[m * H + j]! -= rate * g / Math.sqrt(GV[m * H + j]!); }
        for (let j = 0; j < H; j++) dh[j]! *= 1 - h[j]! * h[j]!;
        for (let k = 0; k < f.indices.length; k++) {
          const idx = f.indices[k]!, v = f.values[k]!;
          for (let m = 0; m < 2; m++) { const a = m * D + idx; const g = err[m]! * v + l2 * L[a]!; GL[a]! += g * g; L[a]! -= 0.1 * g / Math.sqrt(GL[a]!); }
          const base = idx * H;
          for (let j = 0; j < H; j++) { const g = dh[j]! * v + l2 * W[base + j]!; GW[base + j]! += g * g; W[base + j]! -= rate * g / Math.sqrt(GW[base + j]!); }
        }
      }
    }
    return test.map((i) => { forward(features[i]!, out); return out[0]! - out[1]!; });
  },
  disc: (train, test) => {
    const o = JSON.parse(process.env.OPTS ?? '{}');
    const wd = lr(train.map((i) => features[i]!), train.map((i) => (s(rows[i]!) !== w(rows[i]!) ? 1 : 0)), o);
    const dtrain = train.filter((i) => s(rows[i]!) !== w(rows[i]!));
    const ws = lr(dtrain.map((i) => features[i]!), dtrain.map((i) => s(rows[i]!)), JSON.parse(process.env.OPTS2 ?? process.env.OPTS ?? '{}'));
    const mode = process.env.MODE ?? 'full';
    return test.map((i) => {
      const pd = sigmoid(dot(wd, features[i]!.indices, features[i]!.values));
      const psw = sigmoid(dot(ws, features[i]!.indices, features[i]!.values));
      return mode === 'sw' ? psw : pd * (2 * psw - 1);
    });
  },
  weighted: (train, test) => {
    const o = JSON.parse(process.env.OPTS ?? '{}');
    const dw = Number(process.env.DW ?? 3);
    const sampleWeights = train.map((i) => (s(rows[i]!) !== w(rows[i]!) ? dw : 1));
    const ws = lr(train.map((i) => features[i]!), train.map((i) => s(rows[i]!)), { ...o, sampleWeights });
    const ww = lr(train.map((i) => features[i]!), train.map((i) => w(rows[i]!)), { ...o, sampleWeights });
    return test.map((i) => sigmoid(dot(ws, features[i]!.indices, features[i]!.values)) - sigmoid(dot(ww, features[i]!.indices, features[i]!.values)));
  },
  bag: (train, test) => {
    const o = JSON.parse(process.env.OPTS ?? '{}');
    const total = new Array<number>(test.length).fill(0);
    for (let seed = 1; seed <= 5; seed++) {
      const ws = lr(train.map((i) => features[i]!), train.map((i) => s(rows[i]!)), { ...o, seed });
      const ww = lr(train.map((i) => features[i]!), train.map((i) => w(rows[i]!)), { ...o, seed: seed + 100 });
      test.forEach((i, k) => (total[k]! += sigmoid(dot(ws, features[i]!.indices, features[i]!.values)) - sigmoid(dot(ww, features[i]!.indices, features[i]!.values))));
    }
    return total;
  },
  statsOnly: (train, test) => {
    const base = 1 << featurizer.bits;
    const only = (f: SparseFeatures) => { const keep = [...f.indices.keys()].filter((k) => f.indices[k]! >= base); return { indices: Int32Array.from(keep.map((k) => f.indices[k]!)), values: Float32Array.from(keep.map((k) => f.values[k]!)) }; };
    const xs = features.map(only);
    const o = { epochs: 30, learningRate: 0.1, l2: 1e-4 };
    const ws = lr(train.map((i) => xs[i]!), train.map((i) => s(rows[i]!)), o);
    const ww = lr(train.map((i) => xs[i]!), train.map((i) => w(rows[i]!)), o);
    return test.map((i) => sigmoid(dot(ws, xs[i]!.indices, xs[i]!.values)) - sigmoid(dot(ww, xs[i]!.indices, xs[i]!.values)));
  },
  softDiff: (train, test) => {
    const wd = lr(train.map((i) => features[i]!), train.map((i) => (1 + s(rows[i]!) - w(rows[i]!)) / 2), JSON.parse(process.env.OPTS ?? '{}'));
    return test.map((i) => dot(wd, features[i]!.indices, features[i]!.values));
  },
  softDiffPooled: (train, test) => {
    const x = [...train.map((i) => features[i]!), ...otherFeatures];
    const y = [...train.map((i) => (1 + s(rows[i]!) - w(rows[i]!)) / 2), ...other.map((row) => (1 + s(row) - w(row)) / 2)];
    const wd = lr(x, y, JSON.parse(process.env.OPTS ?? '{}'));
    return test.map((i) => dot(wd, features[i]!.indices, features[i]!.values));
  },
  knnDense: (train, test) => {
    const dims = Number(process.env.DIMS ?? 256), k = Number(process.env.K ?? 50), base = 1 << featurizer.bits;
    const project = (f: SparseFeatures) => {
      const v = new Float32Array(dims);
      for (let s = 0; s < f.indices.length; s++) {
        const i = f.indices[s]!; if (i >= base) continue;
        const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
        v[h % dims]! += (h & 0x80000000 ? -1 : 1) * f.values[s]!;
      }
      let n = 0; for (const x of v) n += x * x; n = Math.sqrt(n) || 1;
      for (let j = 0; j < dims; j++) v[j]! /= n;
      return v;
    };
    const dense = features.map(project);
    const alpha = Number(process.env.ALPHA ?? 0);
    const out = test.map((i) => {
      const q = dense[i]!;
      const sims = train.map((j) => { const d = dense[j]!; let s = 0; for (let x = 0; x < dims; x++) s += q[x]! * d[x]!; return [s, j] as const; });
      sims.sort((a, b) => b[0] - a[0]);
      let num = 0, den = 0;
      for (const [sim, j] of sims.slice(0, k)) { const wgt = Math.max(sim, 0) ** 2; num += wgt * (s(rows[j]!) - w(rows[j]!)); den += wgt; }
      return den > 0 ? num / den : 0;
    });
    if (alpha === 0) return out;
    const lrScores = variants.twoLr!(train, test);
    const rank = (xs: number[]) => { const o = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]); const r = new Array<number>(xs.length); o.forEach(([, i], p) => (r[i] = p / xs.length)); return r; };
    const a = rank(out), b = rank(lrScores);
    return a.map((x, i) => alpha * x + (1 - alpha) * b[i]!);
  },
  knn: (train, test) => {
    const k = Number(process.env.K ?? 50);
    return test.map((i) => {
      const sims = train.map((j) => [cosine(features[i]!, features[j]!), s(rows[j]!) - w(rows[j]!)] as const).sort((a, b) => b[0] - a[0]).slice(0, k);
      let num = 0, den = 0;
      for (const [sim, diff] of sims) { num += sim * diff; den += sim; }
      return den > 0 ? num / den : 0;
    });
  },
};

function cosine(a: SparseFeatures, b: SparseFeatures): number {
  // Both are sorted? Not necessarily: use a map of the smaller one.
  const m = new Map<number, number>();
  for (let k = 0; k < a.indices.length; k++) m.set(a.indices[k]!, a.values[k]!);
  let sum = 0;
  for (let k = 0; k < b.indices.length; k++) sum += (m.get(b.indices[k]!) ?? 0) * b.values[k]!;
  return sum;
}

const chosen = (process.env.VARIANTS ?? 'twoLr,softDiff').split(',');
for (const name of chosen) {
  t = performance.now();
  const scores = new Array<number>(rows.length);
  const perFold: number[] = [];
  for (let f = 0; f < folds; f++) {
    const train = rows.flatMap((_, i) => (fold[i] !== f ? [i] : []));
    const test = rows.flatMap((_, i) => (fold[i] === f ? [i] : []));
    const predicted = variants[name]!(train, test);
    test.forEach((i, k) => (scores[i] = predicted[k]!));
    perFold.push(pairMetrics(test.map((i, k) => ({ score: predicted[k]!, strong: s(rows[i]!), weak: w(rows[i]!) }))).apgr);
  }
  const metrics = pairMetrics(rows.map((row, i) => ({ score: scores[i]!, strong: s(row), weak: w(row) })));
  console.log(`${set} ${split} ${name}: APGR ${metrics.apgr.toFixed(3)} (folds ${perFold.map((v) => v.toFixed(2)).join(' ')}) CPT50 ${(metrics.cpt50 * 100).toFixed(1)}% CPT80 ${(metrics.cpt80 * 100).toFixed(1)}% [${((performance.now() - t) / 1000).toFixed(1)} s]`);
}
