// Routing that learns from a deployment's own outcomes (docs/learning.md), replayed on labelled data.
// Run: npm run bench -- routing-learning   (about 5 minutes of CPU on 2 cores; reads ../shared/data/routing;
// not in the quick set). Direct runs take options, e.g. to iterate on one deployment:
//   npx tsx bench/routing-learning.ts --seeds 2 --deployments mixed   (mmlu, gsm8k, mixed; default all, 5 seeds)
//   --verbose prints each retraining's verdict (seed, outcomes, judged, both APGRs, the interval, the candidate chosen).
//
// Each deployment's rows are split once per seed into held-back rows (never trained on, the only
// rows any figure below is measured on) and traffic. Traffic is replayed in a random order; each
// request is routed by the router in charge (its score is what the outcome stores as routed_score)
// and gets an outcome with both models' scores, as sampled judging delivers them (which share of
// traffic is judged changes how much traffic passes per outcome, not the curve by outcome count).
// After 100, 200, 300, 500, 1,000, 2,000 and 3,000 outcomes the loop retrains as `routekit train
// --from-outcomes` does: a challenger fitted on the outcomes so far, judged against the champion
// cross-fitted (each outcome by a challenger trained without its fold), promoted only when the guard
// says so. The held-back rows are never judged on by the guard: they only measure what it decided.
// Reported beside the shipped `default` on the same held-back rows: APGR and the cost of reaching
// 95% of always-strong quality (a share of always-strong cost). The shipped `lr` was trained on these
// MMLU and GSM8K rows, and a shipped router never saw a deployment's traffic, so each seed retrains it
// with the shipped recipe on the MMLU and GSM8K rows outside that seed's deployment (neither traffic
// nor held back): that stand-in is both the baseline (inside the gated default, as the gateway runs
// it) and the prior challengers refine, as `routekit train --from-outcomes` refines the shipped `lr`.
// It saw fewer rows than the shipped file, so its figures are a little below docs/routing.md's. The AlpacaEval rows are only measured on and
// learned from here (their licence): nothing trained on them is kept or shipped.
import { parseArgs } from 'node:util';
import { challengeRouter } from '../packages/core/src/learning/challenge-router.js';
import { figures, type JudgedOutcome } from '../packages/core/src/learning/promotion-guard.js';
import type { StoredOutcome } from '../packages/core/src/learning/outcome.js';
import { createOutcomeFeaturizer, encodeSparseFeatures, outcomeFeaturizerKey } from '../packages/core/src/learning/outcome-features.js';
import { ComplexityScorer } from '../packages/core/src/routing/complexity-scorer.js';
import { LinearScorer } from '../packages/core/src/routing/linear-scorer.js';
import { isExamStyle } from '../packages/core/src/routing/prompt-type.js';
import { seededRandom, shuffle } from '../packages/core/src/routing/training/logistic-regression.js';
import type { TrainingRow } from '../packages/core/src/routing/training/training-row.js';
import { trainRouter } from '../packages/core/src/routing/training/train-router.js';
import { loadRows, strongModel, weakModel } from '../scripts/routing-data.js';

const { values: flags } = parseArgs({ options: { seeds: { type: 'string', default: '5' }, deployments: { type: 'string', default: 'mmlu,gsm8k,mixed' }, verbose: { type: 'boolean', default: false } } });
const seedCount = Number(flags.seeds);
const wanted = flags.deployments.split(',');
if (!Number.isInteger(seedCount) || seedCount < 1) throw new Error(`--seeds must be a whole number of seeds, got ${flags.seeds}`);
for (const name of wanted) if (!['mmlu', 'gsm8k', 'mixed'].includes(name)) throw new Error(`--deployments takes mmlu, gsm8k and mixed; ${name} is not one`);
const checkpoints = [100, 200, 300, 500, 1000, 2000, 3000];
const reported = [100, 300, 1000, 3000];
const started = performance.now();
const cpuStarted = process.cpuUsage();

const complexity = new ComplexityScorer();
const examRows = [...loadRows('mmlu'), ...loadRows('gsm8k')];
/** The shipped lr recipe trained on the MMLU and GSM8K rows outside the deployment (the shipped file saw them all). */
function shippedStandIn(deployment: ReadonlySet<string>): LinearScorer {
  const rows = examRows.filter((row) => !deployment.has(row.prompt));
  const { file } = trainRouter(rows, { name: 'lr', strong: strongModel, weak: weakModel, splitByPromptType: true, taskStatistics: true, folds: 2 });
  return new LinearScorer(file);
}

// RouteLLM's assumed prices (dollars per million tokens): about $24.7 for GPT-4-1106, $0.24 for Mixtral.
const tokens = (prompt: string) => Math.ceil(prompt.length / 4) + 200;
const costs = (prompt: string) => ({ strong: (tokens(prompt) * 24.7) / 1e6, weak: (tokens(prompt) * 0.24) / 1e6 });

interface Row { prompt: string; strong: number; weak: number; set: string }
const pairRows = (set: string, strong: string, weak: string): Row[] => loadRows(set).map((row: TrainingRow) => ({ prompt: row.prompt, strong: row.scores[strong]!, weak: row.scores[weak]!, set }));
const mmlu = pairRows('mmlu', strongModel, weakModel);
const gsm8k = pairRows('gsm8k', strongModel, weakModel);
// AlpacaEval 2 (chain-of-thought judge) has the same pair; its scores are preferences over the
// strong model's answer (which scores 0.5 against itself).
const alpaca = pairRows('alpacaeval2-cot', strongModel, weakModel);

/** A deployment: `size` rows of the sets (per set, in equal shares, when `perSet`), the first `heldBack` of them held back. */
interface Deployment { key: string; name: string; rows: Row[]; heldBack: number; size: number; perSet?: boolean }
const deployments: Deployment[] = [
  // 1,000 held back, 3,000 of traffic; the stand-in lr learns from the other 2,939 MMLU rows and GSM8K.
  { key: 'mmlu', name: 'MMLU', rows: mmlu, heldBack: 1000, size: 4000 },
  // 200 held back, 300 of traffic; the stand-in keeps 159 GSM8K rows and MMLU.
  { key: 'gsm8k', name: 'GSM8K', rows: gsm8k, heldBack: 200, size: 500 },
  // 530 rows of each set (GSM8K has 659): 450 held back, 1,140 of traffic.
  { key: 'mixed', name: 'mixed (MMLU + GSM8K + AlpacaEval, equal shares)', rows: [...mmlu, ...gsm8k, ...alpaca], heldBack: 450, size: 530, perSet: true },
];

const featurizer = createOutcomeFeaturizer();
const featureCache = new Map<string, string>();
const featuresOf = (prompt: string) => {
  let encoded = featureCache.get(prompt);
  if (encoded === undefined) featureCache.set(prompt, (encoded = encodeSparseFeatures(featurizer.extract(prompt))));
  return encoded;
};

const strong = 'openai/gpt-4.1';
const weak = 'openai/gpt-4.1-nano';
const mean = (values: number[]) => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length);
const fixed = (value: number, digits = 3) => (Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

for (const deployment of deployments.filter((candidate) => wanted.includes(candidate.key))) {
  // Per checkpoint: the in-charge router's held-back APGR and cost at 95%, and the shipped default's.
  const byCheckpoint = new Map<number, { apgr: number[]; cost: number[]; shippedApgr: number[]; shippedCost: number[]; challenger: number[]; fromZero: number[]; judged: number[]; learned: number }>();
  let promotions = 0;
  let worsePromotions = 0;
  let worseThanShipped = 0;
  let worstDrop = 0;
  let maxOutcomes = 0;
  const ceiling: number[] = [];
  for (let seed = 1; seed <= seedCount; seed++) {
    const random = seededRandom(seed * 7919);
    const pool = deployment.perSet === true ? ['mmlu', 'gsm8k', 'alpacaeval2-cot'].flatMap((set) => shuffle(deployment.rows.filter((row) => row.set === set), random).slice(0, deployment.size)) : shuffle([...deployment.rows], random).slice(0, deployment.size);
    const order = shuffle([...pool], random);
    const heldBack = order.slice(0, deployment.heldBack);
    const traffic = order.slice(deployment.heldBack);
    const lr = shippedStandIn(new Set(pool.map((row) => row.prompt)));
    const shippedScore = (prompt: string) => (isExamStyle(prompt) ? lr.strongWinProbability(prompt) : complexity.strongWinProbability(prompt));
    maxOutcomes = Math.max(maxOutcomes, traffic.length);
    const judged = (score: (row: Row) => number): JudgedOutcome[] => heldBack.map((row) => {
      const cost = costs(row.prompt);
      return { champion: shippedScore(row.prompt), challenger: score(row), strong: row.strong, weak: row.weak, strongCost: cost.strong, weakCost: cost.weak };
    });
    const shipped = figures(judged(() => 0), 'champion');
    if (deployment.perSet === true) {
      // What knowing each prompt's data set would give: the set's mean strong-minus-weak gap on these
      // very rows, and the stand-in lr's ranking inside MMLU and GSM8K (open chat has no ranking that
      // helps). A bound on what type-level learning can add, not a router anyone can run.
      const gap = (set: string, of: (row: Row) => number) => mean(heldBack.filter((row) => row.set === set).map(of));
      const gapOf = new Map(['mmlu', 'gsm8k', 'alpacaeval2-cot'].map((set) => [set, gap(set, (row) => row.strong - row.weak)]));
      const lrGap = (row: Row) => 2 * lr.strongWinProbability(row.prompt) - 1;
      const lrMean = new Map(['mmlu', 'gsm8k'].map((set) => [set, gap(set, lrGap)]));
      ceiling.push(figures(judged((row) => gapOf.get(row.set)! + (lrMean.has(row.set) ? lrGap(row) - lrMean.get(row.set)! : 0)), 'challenger').apgr);
    }
    let champion: { version: string; scorer?: LinearScorer } = { version: 'shipped' };
    let version = 0;
    const heldBackFigures = (scorer: LinearScorer | undefined) => (scorer === undefined ? shipped : figures(judged((row) => scorer.strongWinProbability(row.prompt)), 'challenger'));
    const outcomes: StoredOutcome[] = [];
    for (const [index, row] of traffic.entries()) {
      const cost = costs(row.prompt);
      const routed = champion.scorer === undefined ? shippedScore(row.prompt) : champion.scorer.strongWinProbability(row.prompt);
      outcomes.push({
        request_id: `${deployment.name}-${seed}-${index}`, tenant: 'bench', time: new Date(1_700_000_000_000 + index * 1000).toISOString(),
        router_version: champion.version, routed_score: routed, featurizer: outcomeFeaturizerKey, features: featuresOf(row.prompt),
        models: [strong, weak], costs: { [strong]: cost.strong, [weak]: cost.weak }, winner: routed >= 0.5 ? strong : weak,
        scores: { [strong]: row.strong, [weak]: row.weak }, scored_at: new Date().toISOString(),
      });
      if (!checkpoints.includes(outcomes.length)) continue;
      const challenge = challengeRouter(outcomes, { champion, strong, weak, resamples: 500, seed, prior: lr.file });
      // What the challenger would do on held-back rows, promoted or not (the learning curve itself), and one trained from zero.
      if (flags.verbose) console.log(`seed ${seed}, ${outcomes.length} outcomes, judged on ${challenge.outcomes}: champion ${fixed(challenge.champion.apgr)}, challenger ${fixed(challenge.challenger.apgr)}, difference ${fixed(challenge.apgrDifference.low)} to ${fixed(challenge.apgrDifference.high)}, ${challenge.promote ? 'promoted' : 'kept'} (${String(challenge.file?.notes.start ?? 'no challenger')})`);
      const challengerApgr = challenge.file === undefined ? Number.NaN : heldBackFigures(new LinearScorer(challenge.file)).apgr;
      const fromZero = challengeRouter(outcomes, { champion, strong, weak, resamples: 100, seed });
      const fromZeroApgr = fromZero.file === undefined ? Number.NaN : heldBackFigures(new LinearScorer(fromZero.file)).apgr;
      if (challenge.promote && challenge.file !== undefined) {
        const before = heldBackFigures(champion.scorer);
        const scorer = new LinearScorer(challenge.file);
        const after = heldBackFigures(scorer);
        promotions += 1;
        if (after.apgr < before.apgr) worsePromotions += 1;
        if (after.apgr < shipped.apgr) worseThanShipped += 1;
        worstDrop = Math.max(worstDrop, before.apgr - after.apgr);
        champion = { version: `learned-v${++version}`, scorer };
      }
      const now = heldBackFigures(champion.scorer);
      const entry = byCheckpoint.get(outcomes.length) ?? { apgr: [], cost: [], shippedApgr: [], shippedCost: [], challenger: [], fromZero: [], judged: [], learned: 0 };
      entry.challenger.push(challengerApgr);
      entry.fromZero.push(fromZeroApgr);
      entry.judged.push(challenge.outcomes);
      entry.apgr.push(now.apgr);
      entry.cost.push(now.costAt95);
      entry.shippedApgr.push(shipped.apgr);
      entry.shippedCost.push(shipped.costAt95);
      if (champion.scorer !== undefined) entry.learned += 1;
      byCheckpoint.set(outcomes.length, entry);
    }
  }
  console.log(`\n### ${deployment.name}: ${deployment.heldBack} rows held back per seed, up to ${maxOutcomes} outcomes, ${seedCount} seeds`);
  console.log('| outcomes | APGR in charge | shipped default | difference | cost at 95% in charge | shipped default | seeds with a learned router in charge | challenger APGR, unguarded (prior refined or from zero, chosen by out-of-fold APGR) | from zero only | outcomes the guard judged on |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const count of reported) {
    const entry = byCheckpoint.get(count);
    if (entry === undefined) {
      console.log(`| ${count} | n/a (only ${maxOutcomes} rows of traffic) | | | | | | | | |`);
      continue;
    }
    const difference = mean(entry.apgr) - mean(entry.shippedApgr);
    console.log(`| ${count} | ${fixed(mean(entry.apgr))} (${fixed(Math.min(...entry.apgr))}-${fixed(Math.max(...entry.apgr))}) | ${fixed(mean(entry.shippedApgr))} | ${difference >= 0 ? '+' : ''}${fixed(difference)} | ${(mean(entry.cost) * 100).toFixed(1)}% | ${(mean(entry.shippedCost) * 100).toFixed(1)}% | ${entry.learned} of ${entry.apgr.length} | ${fixed(mean(entry.challenger.filter((value) => !Number.isNaN(value))))} | ${fixed(mean(entry.fromZero.filter((value) => !Number.isNaN(value))))} | ${mean(entry.judged).toFixed(0)} |`);
  }
  if (ceiling.length > 0) console.log(`ceiling: told each prompt's data set (its mean gap on the held-back rows) and ranking by the stand-in lr inside MMLU and GSM8K, APGR ${fixed(mean(ceiling))} (${fixed(Math.min(...ceiling))}-${fixed(Math.max(...ceiling))})`);
  console.log(`guard: ${promotions} promotions over ${seedCount} seeds; ${worsePromotions} promoted a router worse than the one it replaced on held-back rows (largest drop ${fixed(worstDrop)} APGR); ${worseThanShipped} left a router worse than the shipped default in charge`);
}
const cpu = process.cpuUsage(cpuStarted);
console.log(`\nrouting-learning: ${((performance.now() - started) / 1000).toFixed(0)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU`);
