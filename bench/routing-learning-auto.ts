// `auto` learning per-model quality from a deployment's outcomes (docs/learning.md), replayed on RouterBench.
// Run: npm run bench -- routing-learning-auto   (about a minute on 2 cores; reads ../shared/data/routing;
// not in the quick set). Optional argument: the number of seeds (default 5).
//
// The deployment is the three RouterBench sets (ARC-Challenge, MBPP, Winogrande: 2,205 prompts, 11
// models, each prompt's real cost on each model). Per seed, a third of the rows is held back (never
// replayed, the only rows any figure is measured on) and the rest is replayed as traffic in a random
// order, reshuffled on each pass when 3,000 outcomes need more than one pass. `auto` (priority cost)
// routes each request on its predicted quality and the outcome scores the model that answered with
// its real score; with judging, also the second model of auto's ranking (what sampled judging asks,
// scored here by its real label) or a model drawn at random (a judging that explores). The table
// is rebuilt from the outcomes every 100 outcomes, as the gateway's poll or the in-process refresh
// would, with `learnModelQuality` itself.
//
// The shipped prior: each model's tier is the shipped RouterBench file's mean accuracy for it (pooled
// over these three sets, so the prior already knows which models are good on this mix, not on which
// kind of prompt), spread by the shipped `default` router's difficulty as `auto` does (`difficultyQuality`).
// Measured on held-back rows: the area under the cost-quality curve (`costQualityCurves`: each prompt
// goes to the model maximising predicted quality minus a cost weight times its log cost penalty, swept
// over the weights; random = the upper hull of the single models, oracle = the best real outcome), and
// the share of the random-to-oracle gap closed: (learned - random) / (oracle - random).
import { costQualityCurves, areaUnderCostQuality, type MultiModelOutcome } from '../packages/core/src/evaluation/cost-quality-curve.js';
import type { ModelInfo } from '../packages/core/src/catalog/model-info.js';
import { defaultPriorStrength, learnModelQuality, type ModelQualityTable } from '../packages/core/src/learning/model-quality-table.js';
import type { StoredOutcome } from '../packages/core/src/learning/outcome.js';
import { createOutcomeFeaturizer, encodeSparseFeatures, outcomeFeaturizerKey } from '../packages/core/src/learning/outcome-features.js';
import { defaultBandEdges } from '../packages/core/src/learning/prompt-cell.js';
import { autoTolerance } from '../packages/core/src/routing/auto-strategy.js';
import { Router } from '../packages/core/src/routing/router.js';
import { ModelCatalog } from '../packages/core/src/catalog/model-catalog.js';
import { ActiveQualityTable } from '../packages/core/src/learning/active-quality-table.js';
import { difficultyQuality } from '../packages/core/src/routing/difficulty-quality.js';
import type { PromptQuality } from '../packages/core/src/routing/prompt-quality.js';
import { shippedDefaultScorer, shippedMultiModelScorer } from '../packages/core/src/routing/shipped-routers.js';
import { seededRandom, shuffle } from '../packages/core/src/routing/training/logistic-regression.js';
import { benchSets, loadRows } from '../scripts/routing-data.js';

const seedCount = Number(process.argv[2] ?? 5);
const checkpoints = [100, 300, 1000, 3000];
const refreshEvery = 100;
const started = performance.now();
const cpuStarted = process.cpuUsage();

interface Row { prompt: string; set: string; scores: number[]; costs: number[]; strongWin: number; features: string }
const featurizer = createOutcomeFeaturizer();
const scorer = shippedDefaultScorer();
const loaded = benchSets.flatMap((set) => loadRows(set).map((row) => ({ ...row, set })));
const models = Object.keys(loaded[0]!.scores);
const rows: Row[] = loaded.map((row) => ({
  prompt: row.prompt,
  set: row.set.replace('routerbench-', ''),
  scores: models.map((model) => row.scores[model]!),
  costs: models.map((model) => row.cost_usd![model]!),
  strongWin: scorer.strongWinProbability(row.prompt),
  features: encodeSparseFeatures(featurizer.extract(row.prompt)),
}));
// Each model stands in as a catalog model: its tier from the shipped file, its price per prompt
// character from the real costs (a catalog price times the prompt's tokens, as `auto` estimates it).
const tiers = shippedMultiModelScorer().file.meanQuality;
const catalog: ModelInfo[] = models.map((id) => ({ id, quality: tiers[id] ?? 0.5 }) as ModelInfo);
const totalCharacters = rows.reduce((sum, row) => sum + row.prompt.length, 0);
const pricePerCharacter = models.map((_, model) => rows.reduce((sum, row) => sum + row.costs[model]!, 0) / totalCharacters);
const expectedCosts = rows.map((row) => pricePerCharacter.map((price) => price * row.prompt.length));
const priors: PromptQuality[] = rows.map((row) => difficultyQuality(row.strongWin, catalog));

type Judging = 'none' | 'runner-up' | 'random';
interface Setting { judging: Judging; priorStrength: number; bandEdges: readonly number[] }

/** Predicted quality of every model for a row: the prior, or the table's blend in the row's cell. */
function predict(row: number, table: ModelQualityTable | undefined): number[] {
  const prior = priors[row]!;
  const quality = table === undefined ? prior : table.blend(prior, table.cellOf(rows[row]!.prompt, rows[row]!.strongWin));
  return catalog.map(quality);
}

/** auto (priority cost unless told): within the tolerance of the best prediction, cheapest first; then by prediction. */
function autoRanking(predicted: number[], costs: number[], tolerance: number = autoTolerance.cost): number[] {
  const best = Math.max(...predicted);
  const floor = best * (1 - tolerance);
  const order = models.map((_, model) => model);
  const rank = (model: number) => (predicted[model]! >= floor ? 2 - costs[model]! / (1 + costs[model]!) : predicted[model]!);
  return order.sort((a, b) => rank(b) - rank(a) || catalog[b]!.quality - catalog[a]!.quality);
}

interface Figures { area: number; autoQuality: number; autoCost: number; carefulQuality: number; carefulCost: number }
function measure(heldBack: readonly number[], table: ModelQualityTable | undefined, predictRow: (row: number) => number[] = (row) => predict(row, table)): Figures & { random: number; oracle: number } {
  const predictions = heldBack.map(predictRow);
  const outcomes: MultiModelOutcome[] = heldBack.map((row, index) => ({ predicted: predictions[index]!, expectedCost: expectedCosts[row]!, actual: rows[row]!.scores, actualCost: rows[row]!.costs }));
  const curves = costQualityCurves(models, outcomes);
  let quality = 0;
  let cost = 0;
  let carefulQuality = 0;
  let carefulCost = 0;
  let strongCost = 0;
  const strong = models.indexOf('gpt-4-1106-preview');
  heldBack.forEach((row, index) => {
    const winner = autoRanking(predictions[index]!, expectedCosts[row]!)[0]!;
    quality += rows[row]!.scores[winner]!;
    cost += rows[row]!.costs[winner]!;
    const careful = autoRanking(predictions[index]!, expectedCosts[row]!, autoTolerance.quality)[0]!;
    carefulQuality += rows[row]!.scores[careful]!;
    carefulCost += rows[row]!.costs[careful]!;
    strongCost += rows[row]!.costs[strong]!;
  });
  return {
    area: areaUnderCostQuality(curves.router, curves.costUnit),
    random: areaUnderCostQuality(curves.random, curves.costUnit),
    oracle: areaUnderCostQuality(curves.oracle, curves.costUnit),
    autoQuality: quality / heldBack.length,
    autoCost: cost / strongCost,
    carefulQuality: carefulQuality / heldBack.length,
    carefulCost: carefulCost / strongCost,
  };
}

interface SeedResult { random: number; oracle: number; shipped: Figures; ceiling: Figures; setCeiling: Figures; learned: Map<number, Figures>; evidence: Map<number, number> }

/** One seed of one setting: the replay, with the table measured at each checkpoint. */
function replay(seed: number, setting: Setting): SeedResult {
  const random = seededRandom(seed * 7919);
  const order = shuffle(rows.map((_, index) => index), random);
  const heldBack = order.slice(0, Math.round(rows.length / 3));
  const traffic = order.slice(heldBack.length);
  const shipped = measure(heldBack, undefined);
  // The ceiling of cells: every model scored on every traffic row (what the table tends to with ample evidence on every model).
  const everything: StoredOutcome[] = traffic.map((row) => outcomeOf(row, models.map((_, model) => model)));
  const ceiling = measure(heldBack, learnModelQuality(everything, { version: 0, priorStrength: 1e-6, bandEdges: setting.bandEdges }));
  // The ceiling of any prompt-type scheme: each model's mean on the traffic of the prompt's own data set.
  const setMeans = new Map(benchSets.map((set) => {
    const name = set.replace('routerbench-', '');
    const ofSet = traffic.filter((row) => rows[row]!.set === name);
    return [name, models.map((_, model) => ofSet.reduce((sum, row) => sum + rows[row]!.scores[model]!, 0) / ofSet.length)];
  }));
  const setCeiling = measure(heldBack, undefined, (row) => setMeans.get(rows[row]!.set)!);
  const learned = new Map<number, Figures>();
  const evidence = new Map<number, number>();
  const outcomes: StoredOutcome[] = [];
  let table: ModelQualityTable | undefined;
  let queue: number[] = [];
  for (let count = 1; count <= checkpoints[checkpoints.length - 1]!; count++) {
    if (queue.length === 0) queue = shuffle([...traffic], random);
    const row = queue.pop()!;
    const ranking = autoRanking(predict(row, table), expectedCosts[row]!);
    const scored = [ranking[0]!];
    if (setting.judging === 'runner-up') scored.push(ranking[1]!);
    if (setting.judging === 'random') scored.push(ranking[1 + Math.floor(random() * (ranking.length - 1))]!);
    outcomes.push(outcomeOf(row, scored));
    if (count % refreshEvery === 0) table = learnModelQuality(outcomes, { version: count / refreshEvery, priorStrength: setting.priorStrength, bandEdges: setting.bandEdges });
    if (checkpoints.includes(count)) {
      learned.set(count, measure(heldBack, table));
      // How many models have at least 10 scores in the cells held-back prompts fall in, on average.
      evidence.set(count, heldBack.reduce((sum, row) => sum + models.filter((model) => (table!.evidence(table!.cellOf(rows[row]!.prompt, rows[row]!.strongWin), model)?.count ?? 0) >= 10).length, 0) / heldBack.length);
    }
  }
  return { random: shipped.random, oracle: shipped.oracle, shipped, ceiling, setCeiling, learned, evidence };
}

function outcomeOf(row: number, scored: readonly number[]): StoredOutcome {
  const { features, strongWin, scores, costs } = rows[row]!;
  return {
    request_id: String(row), tenant: 'bench', time: '', router_version: 'shipped', routed_score: strongWin, featurizer: outcomeFeaturizerKey, features,
    models, costs: Object.fromEntries(models.map((model, index) => [model, costs[index]!])), winner: models[scored[0]!]!,
    scores: Object.fromEntries(scored.map((model) => [models[model]!, scores[model]!])), scored_at: '',
  };
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const range = (values: number[], digits = 3) => `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`;
const gapClosed = (result: SeedResult, area: number) => (area - result.random) / (result.oracle - result.random);
const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);
const judgingNames: Record<Judging, string> = { none: 'the answering model only', 'runner-up': "+ auto's second choice, judged", random: '+ a model at random, judged' };

console.log(`RouterBench (${rows.length} prompts, ${models.length} models): ${Math.round(rows.length / 3)} held back per seed, ${rows.length - Math.round(rows.length / 3)} of traffic (replayed in passes), ${seedCount} seeds, prior strength k and band edges as stated`);
const results = new Map<string, SeedResult[]>();
const run = (setting: Setting) => {
  const key = JSON.stringify(setting);
  if (!results.has(key)) results.set(key, seeds.map((seed) => replay(seed, setting)));
  return results.get(key)!;
};

const points = (figures: Figures[]) => `${mean(figures.map((f) => f.autoQuality)).toFixed(3)} | ${(mean(figures.map((f) => f.autoCost)) * 100).toFixed(1)}% | ${mean(figures.map((f) => f.carefulQuality)).toFixed(3)} | ${(mean(figures.map((f) => f.carefulCost)) * 100).toFixed(1)}%`;

const baseline = run({ judging: "none", priorStrength: defaultPriorStrength, bandEdges: defaultBandEdges });
console.log(`\nrandom ${mean(baseline.map((r) => r.random)).toFixed(3)}, oracle ${mean(baseline.map((r) => r.oracle)).toFixed(3)}, shipped auto ${mean(baseline.map((r) => r.shipped.area)).toFixed(3)} (${mean(baseline.map((r) => gapClosed(r, r.shipped.area))).toFixed(3)} of the gap; auto at priority cost: quality ${mean(baseline.map((r) => r.shipped.autoQuality)).toFixed(3)} at ${(mean(baseline.map((r) => r.shipped.autoCost)) * 100).toFixed(1)}% of GPT-4's cost)`);

for (const judging of ['none', 'runner-up', 'random'] as const) {
  const setting: Setting = { judging, priorStrength: defaultPriorStrength, bandEdges: defaultBandEdges };
  const seedResults = run(setting);
  console.log(`\n**Outcomes score ${judgingNames[judging]}** (k = ${defaultPriorStrength}, bands ${JSON.stringify(defaultBandEdges)})\n`);
  console.log('| outcomes | area, learned auto | share of the random-to-oracle gap closed | auto, priority cost: quality | its cost vs GPT-4 | priority quality: quality | its cost | models with >= 10 scores in the prompt\'s band |');
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(`| 0 (shipped auto) | ${mean(seedResults.map((r) => r.shipped.area)).toFixed(3)} | ${mean(seedResults.map((r) => gapClosed(r, r.shipped.area))).toFixed(3)} | ${points(seedResults.map((r) => r.shipped))} | 0 |`);
  for (const count of checkpoints) {
    const figures = seedResults.map((r) => r.learned.get(count)!);
    const closed = seedResults.map((r) => gapClosed(r, r.learned.get(count)!.area));
    console.log(`| ${count} | ${mean(figures.map((f) => f.area)).toFixed(3)} (${range(figures.map((f) => f.area))}) | ${mean(closed).toFixed(3)} (${range(closed)}) | ${points(figures)} | ${mean(seedResults.map((r) => r.evidence.get(count)!)).toFixed(1)} of ${models.length} |`);
  }
  console.log(`| ceiling of these cells (every model scored on all traffic) | ${mean(seedResults.map((r) => r.ceiling.area)).toFixed(3)} | ${mean(seedResults.map((r) => gapClosed(r, r.ceiling.area))).toFixed(3)} | ${points(seedResults.map((r) => r.ceiling))} | |`);
}
console.log(`\nThe ceiling of any prompt type: a perfect detector of the data set (each model's mean on the traffic of the prompt's own set): area ${mean(baseline.map((r) => r.setCeiling.area)).toFixed(3)}, ${mean(baseline.map((r) => gapClosed(r, r.setCeiling.area))).toFixed(3)} of the gap; auto, priority cost / priority quality: ${points(baseline.map((r) => r.setCeiling))}`);
// (each model's mean on the prompt's own data set, all traffic) | ${mean(baseline.map((r) => r.setCeiling.area)).toFixed(3)} | ${mean(baseline.map((r) => gapClosed(r, r.setCeiling.area))).toFixed(3)} | ${points(baseline.map((r) => r.setCeiling))} | |`);

// The settings: prior strength k, and the difficulty bands, at 3,000 outcomes with random judging.
console.log('\n**Choosing k and the bands** (share of the gap closed after 300 / 3,000 outcomes, a model at random judged)\n');
console.log('| k | bands | after 300 | after 3,000 | ceiling of the cells |');
console.log('|---|---|---|---|---|');
for (const [priorStrength, bandEdges] of [[3, defaultBandEdges], [10, defaultBandEdges], [30, defaultBandEdges], [100, defaultBandEdges], [10, []], [10, [0.6]], [10, [0.55, 0.58, 0.61, 0.64, 0.67]], [30, []], [30, [0.55, 0.58, 0.61, 0.64, 0.67]]] as const) {
  const seedResults = run({ judging: 'random', priorStrength, bandEdges });
  const at = (count: number) => mean(seedResults.map((r) => gapClosed(r, r.learned.get(count)!.area))).toFixed(3);
  console.log(`| ${priorStrength} | ${JSON.stringify(bandEdges)} | ${at(300)} | ${at(3000)} | ${mean(seedResults.map((r) => gapClosed(r, r.ceiling.area))).toFixed(3)} |`);
}

// The request path: auto's decision on a 2,000-character prompt without and with a learned table
// (every catalog model with evidence in every cell), blocks alternated in one run, CPU per decision.
{
  const catalogModels = new ModelCatalog({ providers: ['openai', 'anthropic', 'google', 'groq', 'mistral', 'together'] });
  const plain = new Router({ catalog: catalogModels });
  const quality = new ActiveQualityTable();
  const learnedRouter = new Router({ catalog: catalogModels, quality });
  const ids = catalogModels.routable().map((model) => model.id);
  const synthetic: StoredOutcome[] = rows.map((row, index) => ({ ...outcomeOf(index, []), models: ids, costs: {}, winner: ids[index % ids.length]!, scores: { [ids[index % ids.length]!]: row.scores[0]!, [ids[(index + 1) % ids.length]!]: row.scores[1]! } }));
  quality.use(learnModelQuality(synthetic, { version: 1 }));
  const base = 'A train leaves Boston at 3 pm travelling at 60 mph toward New York, 215 miles away. Another leaves New York at 4 pm at 75 mph. ';
  const request = (index: number) => ({ model: 'auto', messages: [{ role: 'user' as const, content: `${base.repeat(17).slice(0, 1990)} #${index}` }] });
  const cpuPer = { plain: 0, learned: 0 };
  for (let index = 0; index < 300; index++) [plain, learnedRouter].forEach((router) => router.decide(request(index)));
  for (let block = 0; block < 10; block++) {
    for (const [name, router] of [['plain', plain], ['learned', learnedRouter]] as const) {
      const before = process.cpuUsage();
      for (let index = 0; index < 300; index++) router.decide(request(block * 300 + index));
      const used = process.cpuUsage(before);
      cpuPer[name] += (used.user + used.system) / 3000;
    }
  }
  console.log(`
auto's decision, 2,000-character prompt, ${catalogModels.routable().length} candidates: ${cpuPer.plain.toFixed(1)} µs CPU without a table, ${cpuPer.learned.toFixed(1)} µs with one (${(cpuPer.learned / cpuPer.plain).toFixed(2)}x), 3,000 decisions each in alternating blocks`);
}

const cpu = process.cpuUsage(cpuStarted);
console.log(`\nrouting-learning-auto: ${((performance.now() - started) / 1000).toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU (${seedCount} seeds)`);
