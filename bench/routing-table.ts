// Prints docs/routing.md's table of routing numbers: cross-validated quality on unseen prompts and the
// decision latency. Run: npx tsx bench/routing-table.ts   (about 2 minutes on 2 cores)
import { costSaved, pairMetrics } from '../packages/core/src/evaluation/routing-metrics.js';
import { assumedPricePerMillion } from '../packages/core/src/evaluation/evaluate-router.js';
import { ComplexityScorer } from '../packages/core/src/routing/complexity-scorer.js';
import { loadRows, strongModel, weakModel } from '../scripts/routing-data.js';
import { trainMultiModel, trainStrongWeak } from '../scripts/routing-measure.js';
import { measureDecisions } from './routing-decision.js';

const seeds = [7, 11, 13];
const spread = (values: number[], scale = 1, digits = 3) => {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const deviation = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(values.length - 1, 1));
  return `${(mean * scale).toFixed(digits)} ± ${(deviation * scale).toFixed(digits)}`;
};

const runs = seeds.map((seed) => trainStrongWeak(undefined, seed).reports);
console.log('| data set (GPT-4-1106 vs Mixtral) | router | APGR | CPT(50%) | CPT(80%) | cost saved at 95% of GPT-4 quality |');
console.log('|---|---|---|---|---|---|');
const saved = (share: number) => costSaved(share, assumedPricePerMillion.strong, assumedPricePerMillion.weak);
for (const set of ['mmlu', 'gsm8k']) {
  const reports = runs.map((reports) => reports.find((report) => report.set === set)!.metrics);
  console.log(`| ${set} (${runs[0]!.find((report) => report.set === set)!.rows} prompts, 5-fold, 3 fold seeds) | lr (shipped recipe) | ${spread(reports.map((m) => m.apgr))} | ${spread(reports.map((m) => m.cpt50), 100, 1)}% | ${spread(reports.map((m) => m.cpt80), 100, 1)}% | ${spread(reports.map((m) => saved(m.shareAt95)), 100, 1)}% |`);
  const complexity = new ComplexityScorer();
  const rows = loadRows(set);
  const metrics = pairMetrics(rows.map((row) => ({ score: complexity.strongWinProbability(row.prompt), strong: row.scores[strongModel]!, weak: row.scores[weakModel]! })));
  console.log(`| ${set} | complexity (no training) | ${metrics.apgr.toFixed(3)} | ${(metrics.cpt50 * 100).toFixed(1)}% | ${(metrics.cpt80 * 100).toFixed(1)}% | ${(saved(metrics.shareAt95) * 100).toFixed(1)}% |`);
}
for (const set of ['mmlu', 'gsm8k']) {
  // A random router's quality grows linearly with the strong share.
  const { strongQuality, weakQuality } = runs[0]!.find((report) => report.set === set)!.metrics;
  const share = Math.min(1, Math.max(0, (0.95 * strongQuality - weakQuality) / (strongQuality - weakQuality)));
  console.log(`| ${set} | random | 0.500 | 50.0% | 80.0% | ${(saved(share) * 100).toFixed(1)}% |`);
}

const multi = trainMultiModel();
console.log('\n| RouterBench set (11 models, 5-fold) | AUC router | AUC random | AUC oracle | router cost at GPT-4 accuracy (share of GPT-4 cost) |');
console.log('|---|---|---|---|---|');
for (const report of multi.reports) {
  const share = report.gpt4CostShare === undefined ? 'not reached' : `${(report.gpt4CostShare * 100).toFixed(1)}%`;
  console.log(`| ${report.set} (${report.rows}) | ${report.auc.router.toFixed(3)} | ${report.auc.random.toFixed(3)} | ${report.auc.oracle.toFixed(3)} | ${share} (GPT-4 ${report.gpt4Quality.toFixed(3)}) |`);
}

console.log('\n| decision, 2,000-character prompt | p50 | p99 | CPU per decision | p99 vs an explicit model |');
console.log('|---|---|---|---|---|');
for (const timing of measureDecisions()) console.log(`| \`${timing.strategy.replaceAll('|', '\\|')}\` | ${timing.p50.toFixed(3)} ms | ${timing.p99.toFixed(3)} ms | ${timing.cpuMicros.toFixed(0)} µs | ${timing.ratio.toFixed(1)}x |`);

const bySubject = trainStrongWeak(undefined, 7, true).reports.find((report) => report.set === 'mmlu')!.metrics;
console.log(`\nMMLU with whole subjects held out (5 folds of subjects): APGR ${bySubject.apgr.toFixed(3)}, CPT(50%) ${(bySubject.cpt50 * 100).toFixed(1)}%, CPT(80%) ${(bySubject.cpt80 * 100).toFixed(1)}%`);
