// What each idea bought: trains the two-model router with parts switched off and prints out-of-fold
// APGR / CPT(50%) per data set. Run: npx tsx scripts/routing-ablation.ts   (about 3 minutes on 2 cores)
import { pairMetrics } from '../packages/core/src/evaluation/routing-metrics.js';
import type { FeatureFamily } from '../packages/core/src/routing/prompt-features.js';
import type { LogisticRegressionOptions } from '../packages/core/src/routing/training/logistic-regression.js';
import { trainRouter } from '../packages/core/src/routing/training/train-router.js';
import { loadRows, strongModel, weakModel } from './routing-data.js';

interface Variant { label: string; without?: FeatureFamily[]; logistic?: LogisticRegressionOptions; pooled?: boolean; splitByPromptType?: boolean; taskStatistics?: boolean }
const variants: Variant[] = [
  { label: 'words only, plain SGD (L2 1e-4, last iterate, 8 epochs)', without: ['tail', 'characters', 'statistics'], logistic: { epochs: 8, learningRate: 0.5, l2: 1e-4, average: false } },
  { label: '+ character 3-5-grams', without: ['tail', 'statistics'], logistic: { epochs: 8, learningRate: 0.5, l2: 1e-4, average: false } },
  { label: '+ tuned L2 / step / averaging', without: ['tail', 'statistics'] },
  { label: '+ standardised prompt statistics', without: ['tail'] },
  { label: '+ last-paragraph family (shipped features)' },
  { label: 'one router on MMLU+GSM8K pooled', pooled: true },
  { label: 'pooled, separate n-grams and statistics per prompt type', pooled: true, splitByPromptType: true },
  { label: 'shipped: pooled, split by prompt type, + task statistics (word problems, answer choices)', pooled: true, splitByPromptType: true, taskStatistics: true },
];
const sets = { mmlu: loadRows('mmlu'), gsm8k: loadRows('gsm8k') };
const format = (value: number) => value.toFixed(3);
for (const variant of variants) {
  const cells: string[] = [];
  const runs = variant.pooled ? [[...sets.mmlu, ...sets.gsm8k]] : [sets.mmlu, sets.gsm8k];
  const results = runs.map((rows) => ({ rows, trained: trainRouter(rows, { name: 'ablation', strong: strongModel, weak: weakModel, ...(variant.without && { without: variant.without }), ...(variant.logistic && { logistic: variant.logistic }), splitByPromptType: variant.splitByPromptType ?? false, taskStatistics: variant.taskStatistics ?? false }) }));
  const scored = results.flatMap(({ rows, trained }) => rows.map((row, index) => ({ set: row.task === 'gsm8k' ? 'gsm8k' : 'mmlu', score: trained.outOfFoldStrongWin[index]!, strong: row.scores[strongModel]!, weak: row.scores[weakModel]! })));
  for (const set of ['mmlu', 'gsm8k']) {
    const metrics = pairMetrics(scored.filter((row) => row.set === set));
    cells.push(`${set} ${format(metrics.apgr)} / ${(metrics.cpt50 * 100).toFixed(1)}%`);
  }
  console.log(`| ${variant.label} | ${cells.join(' | ')} |`);
}
