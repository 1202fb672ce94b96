// Trains the shipped routers on ../shared/data/routing and prints their cross-validated numbers.
// Run: npx tsx scripts/routing-train.ts [--write]   (--write updates packages/core/src/routing/routers/*.json)
import { writeFileSync } from 'node:fs';
import { trainMultiModel, trainStrongWeak } from './routing-measure.js';

const write = process.argv.includes('--write');
const percent = (value: number | undefined) => (value === undefined ? 'never' : `${(value * 100).toFixed(1)}%`);
const progress = (label: string) => (done: number, total: number) => process.stderr.write(`\r${label} ${done}/${total}`);

const pair = trainStrongWeak(progress('strong/weak'));
process.stderr.write('\n');
for (const { set, rows, metrics } of pair.reports) {
  console.log(`${set} (${rows} rows, out-of-fold): APGR ${metrics.apgr.toFixed(3)}  CPT(50%) ${percent(metrics.cpt50)}  CPT(80%) ${percent(metrics.cpt80)}  strong share at 95% ${percent(metrics.shareAt95)}`);
}
const multi = trainMultiModel(progress('multi-model'));
process.stderr.write('\n');
for (const { set, rows, auc, gpt4CostShare, gpt4Quality } of multi.reports) {
  console.log(`${set} (${rows} rows, out-of-fold): AUC router ${auc.router.toFixed(3)} random ${auc.random.toFixed(3)} oracle ${auc.oracle.toFixed(3)}; GPT-4 quality ${gpt4Quality.toFixed(3)} at ${percent(gpt4CostShare)} of GPT-4's cost`);
}
if (write) {
  for (const [name, file] of [['strong-weak', pair.trained.file], ['multi-model', multi.trained.file]] as const) {
    const path = new URL(`../packages/core/src/routing/routers/${name}.router.json`, import.meta.url);
    writeFileSync(path, JSON.stringify(file) + '\n');
    console.log(`wrote ${path.pathname}`);
  }
}
