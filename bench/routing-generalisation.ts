// How the routers hold up beyond the data they were trained on: docs/routing.md's "open chat" tables.
// Run: npx tsx bench/routing-generalisation.ts   (about a minute; reads ../shared/data/routing)
// - APGR of `lr`, `complexity` and the shipped `default` (gated) router on MMLU, GSM8K and the three
//   AlpacaEval open-chat sets, and the minimum over them. MMLU and GSM8K use out-of-fold `lr` scores
//   (prompts its weights never saw); the AlpacaEval sets are never trained on (their licence).
// - For reference, a router trained and cross-validated on each AlpacaEval set itself: the ceiling
//   that features of the prompt reach on those labels (measured only, never shipped).
// - `auto` with priority quality and cost on each set: quality against always-strong, cost share.
// - Multi-model routing on held-out halves: area under the cost-quality curve of the difficulty
//   prediction `auto` uses, against random and the oracle.
import { ModelCatalog } from '../packages/core/src/catalog/model-catalog.js';
import type { ModelInfo } from '../packages/core/src/catalog/model-info.js';
import { areaUnderCostQuality, costQualityCurves } from '../packages/core/src/evaluation/cost-quality-curve.js';
import { pairMetrics } from '../packages/core/src/evaluation/routing-metrics.js';
import { autoTolerance } from '../packages/core/src/routing/auto-strategy.js';
import { ComplexityScorer } from '../packages/core/src/routing/complexity-scorer.js';
import { difficultyQuality } from '../packages/core/src/routing/difficulty-quality.js';
import { isExamStyle } from '../packages/core/src/routing/prompt-type.js';
import { shippedStrongWeakScorer } from '../packages/core/src/routing/shipped-routers.js';
import { trainRouter } from '../packages/core/src/routing/training/train-router.js';
import { loadRows, strongModel, weakModel } from '../scripts/routing-data.js';
import { trainStrongWeak } from '../scripts/routing-measure.js';

const complexity = new ComplexityScorer();
const lr = shippedStrongWeakScorer();
const seeds = [7, 11, 13];
const outOfFold = seeds.map((seed) => {
  const { trained, rows } = trainStrongWeak(undefined, seed);
  return new Map(rows.map((row, index) => [row.prompt, trained.outOfFoldStrongWin[index]!]));
});

interface PairSet { set: string; strong: string; weak: string; trainedOn: boolean }
const sets: PairSet[] = [
  { set: 'mmlu', strong: strongModel, weak: weakModel, trainedOn: true },
  { set: 'gsm8k', strong: strongModel, weak: weakModel, trainedOn: true },
  { set: 'alpacaeval2-cot', strong: 'gpt-4-1106-preview', weak: 'mixtral-8x7b-instruct-v0.1', trainedOn: false },
  { set: 'alpacaeval2-weighted', strong: 'gpt-4-1106-preview', weak: 'gpt-3.5-turbo-1106', trainedOn: false },
  { set: 'alpacaeval1-gpt4', strong: 'gpt-4-1106-preview', weak: 'llama-2-70b-chat-hf', trainedOn: false },
];

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
/** The `lr` score of a prompt: out of fold on its training sets (one map per fold seed), shipped elsewhere. */
const lrScore = (prompt: string, fold: Map<string, number> | undefined) => fold?.get(prompt) ?? lr.strongWinProbability(prompt);
const scorers = {
  lr: (prompt: string, fold?: Map<string, number>) => lrScore(prompt, fold),
  complexity: (prompt: string) => complexity.strongWinProbability(prompt),
  default: (prompt: string, fold?: Map<string, number>) => (isExamStyle(prompt) ? lrScore(prompt, fold) : complexity.strongWinProbability(prompt)),
};

console.log('| data set (strong vs weak) | lr | complexity | default (gated) | exam-style share | trained on this set, 5-fold (ceiling) |');
console.log('|---|---|---|---|---|---|');
const minimum = { lr: 1, complexity: 1, default: 1 };
for (const { set, strong, weak, trainedOn } of sets) {
  const rows = loadRows(set);
  const apgr = (score: (prompt: string, fold?: Map<string, number>) => number) =>
    mean((trainedOn ? outOfFold : [undefined]).map((fold) => pairMetrics(rows.map((row) => ({ score: score(row.prompt, fold), strong: row.scores[strong]!, weak: row.scores[weak]! }))).apgr));
  const figures = { lr: apgr(scorers.lr), complexity: apgr(scorers.complexity), default: apgr(scorers.default) };
  for (const name of Object.keys(minimum) as Array<keyof typeof minimum>) minimum[name] = Math.min(minimum[name], figures[name]);
  let ceiling = '(the lr column)';
  if (!trainedOn) {
    const pair = rows.map((row) => ({ ...row, scores: { [strong]: row.scores[strong]!, [weak]: row.scores[weak]! } }));
    ceiling = mean(seeds.map((seed) => {
      const trained = trainRouter(pair, { name: 'ceiling', strong, weak, catalogModels: {}, seed });
      return pairMetrics(pair.map((row, index) => ({ score: trained.outOfFoldStrongWin[index]!, strong: row.scores[strong]!, weak: row.scores[weak]! }))).apgr;
    })).toFixed(3);
  }
  const exam = rows.filter((row) => isExamStyle(row.prompt)).length / rows.length;
  console.log(`| ${set} (${strong} vs ${weak}) | ${figures.lr.toFixed(3)} | ${figures.complexity.toFixed(3)} | ${figures.default.toFixed(3)} | ${(exam * 100).toFixed(1)}% | ${ceiling} |`);
}
console.log(`| minimum over the five | ${minimum.lr.toFixed(3)} | ${minimum.complexity.toFixed(3)} | ${minimum.default.toFixed(3)} | | |`);

// auto on the same pairs: GPT-4-1106 stands for openai/gpt-4.1 and the weak model for openai/gpt-4.1-nano
// (lr's own mapping); the weak model is chosen when its predicted quality is within the tolerance.
const catalog = new ModelCatalog();
const pair = [catalog.get('openai/gpt-4.1')!, catalog.get('openai/gpt-4.1-nano')!];
const price = { strong: 24.7, weak: 0.24 };
console.log('\n| auto on the pair | priority quality: quality vs always-strong | cost vs always-strong | priority cost: quality | cost |');
console.log('|---|---|---|---|---|');
for (const { set, strong, weak, trainedOn } of sets) {
  const rows = loadRows(set);
  const cells = (['quality', 'cost'] as const).map((priority) => {
    const runs = (trainedOn ? outOfFold : [undefined]).map((fold) => {
      let quality = 0;
      let strongQuality = 0;
      let cost = 0;
      for (const row of rows) {
        const predicted = difficultyQuality(scorers.default(row.prompt, fold), pair);
        const useWeak = predicted(pair[1]!) >= predicted(pair[0]!) * (1 - autoTolerance[priority]);
        quality += useWeak ? row.scores[weak]! : row.scores[strong]!;
        strongQuality += row.scores[strong]!;
        cost += useWeak ? price.weak : price.strong;
      }
      return { ratio: quality / strongQuality, cost: cost / (rows.length * price.strong) };
    });
    return `${(mean(runs.map((run) => run.ratio)) * 100).toFixed(1)}% | ${(mean(runs.map((run) => run.cost)) * 100).toFixed(1)}%`;
  });
  console.log(`| ${set} | ${cells[0]} | ${cells[1]} |`);
}

// Multi-model routing on held-out halves (even rows estimate each model's accuracy, odd rows are measured).
// (The shipped RouterBench scorer was trained on all of these rows, so it cannot be measured here;
// its 5-fold figures are in docs/routing.md.)
console.log('\n| multi-model set, held-out half | AUC difficulty prediction | AUC random | AUC oracle |');
console.log('|---|---|---|---|');
for (const set of ['routerbench-arc-challenge', 'routerbench-mbpp', 'routerbench-winogrande']) {
  const rows = loadRows(set);
  const models = Object.keys(rows[0]!.scores);
  const train = rows.filter((_, index) => index % 2 === 0);
  const test = rows.filter((_, index) => index % 2 === 1);
  const accuracy = models.map((model) => mean(train.map((row) => row.scores[model]!)));
  const meanCost = models.map((model) => mean(train.map((row) => row.cost_usd![model]!)));
  const meanLength = mean(train.map((row) => row.prompt.length));
  // Each data-set model stands in as a catalog model whose tier is its accuracy on the training half.
  const tiers = accuracy.map((quality) => ({ quality }) as ModelInfo);
  const area = (predict: (prompt: string) => number[]) => {
    const curves = costQualityCurves(models, test.map((row) => ({
      predicted: predict(row.prompt),
      expectedCost: meanCost.map((cost) => (cost * row.prompt.length) / meanLength),
      actual: models.map((model) => row.scores[model]!),
      actualCost: models.map((model) => row.cost_usd![model]!),
    })));
    return { router: areaUnderCostQuality(curves.router, curves.costUnit), random: areaUnderCostQuality(curves.random, curves.costUnit), oracle: areaUnderCostQuality(curves.oracle, curves.costUnit) };
  };
  const difficulty = area((prompt) => {
    const predicted = difficultyQuality(scorers.default(prompt), tiers);
    return tiers.map(predicted);
  });
  console.log(`| ${set} (${test.length}) | ${difficulty.router.toFixed(3)} | ${difficulty.random.toFixed(3)} | ${difficulty.oracle.toFixed(3)} |`);
}
