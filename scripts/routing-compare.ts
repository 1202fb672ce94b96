// Compares variants of the pooled two-model recipe over fold seeds (what each idea bought).
// Run: npx tsx scripts/routing-compare.ts [plain,split,split+math,math]   (about 40 s per seed and variant)
import { isMultipleChoice } from '../packages/core/src/routing/prompt-features.js';
import { loadRows } from './routing-data.js';
import { trainStrongWeak } from './routing-measure.js';

const variants = (process.argv[2] ?? 'plain,split,split+math').split(',');
const seeds = (process.env.SEEDS ?? '7,11,13').split(',').map(Number);
for (const set of ['mmlu', 'gsm8k']) {
  const rows = loadRows(set);
  console.log(`${set}: ${rows.filter((row) => isMultipleChoice(row.prompt)).length} of ${rows.length} detected as multiple choice`);
}
for (const variant of variants) {
  const results: Record<string, number[][]> = {};
  const split = variant.includes('split');
  const math = variant.includes('math');
  for (const seed of seeds) for (const report of trainStrongWeak(undefined, seed, false, split, math).reports) (results[report.set] ??= []).push([report.metrics.apgr, report.metrics.cpt50, report.metrics.cpt80]);
  for (const [set, values] of Object.entries(results)) {
    const column = (k: number, scale: number, digits: number) => {
      const xs = values.map((v) => v[k]! * scale);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(xs.length - 1, 1));
      return `${mean.toFixed(digits)} ± ${sd.toFixed(digits)}`;
    };
    console.log(`${variant} ${set}: APGR ${column(0, 1, 3)}  CPT(50%) ${column(1, 100, 1)}%  CPT(80%) ${column(2, 100, 1)}%`);
  }
}
