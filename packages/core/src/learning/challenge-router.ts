import { pairMetrics } from '../evaluation/routing-metrics.js';
import { InvalidRequestError } from '../errors.js';
import { LinearScorer } from '../routing/linear-scorer.js';
import { promptFingerprint, type RouterFile } from '../routing/router-file.js';
import type { SparseFeatures } from '../routing/prompt-features.js';
import { trainRouter } from '../routing/training/train-router.js';
import type { TrainingRow } from '../routing/training/training-row.js';
import type { StoredOutcome } from './outcome.js';
import { decodeSparseFeatures, outcomeFeaturizerKey, outcomeFeaturizerOptions } from './outcome-features.js';
import { guardPromotion, type GuardOptions, type PromotionVerdict, type JudgedOutcome } from './promotion-guard.js';

export interface ChallengeOptions extends GuardOptions {
  /**
   * The router in charge: its version, and its scorer when it is a learned one. It is judged on the
   * outcomes it cannot have trained on: those it routed (by the score it stored then) and, with its
   * scorer, those of requests routed after it was trained (`notes.trainedAt`).
   */
  champion: { version: string; scorer?: LinearScorer };
  /** The strong and weak models (catalog ids); default the two models scored most often, the dearer one strong. */
  strong?: string;
  weak?: string;
  /**
   * Folds of the cross-fitting (default 5): each outcome is predicted by a challenger trained on the
   * other folds, so every comparable outcome judges the recipe; the challenger stored and promoted is
   * trained on all of them. An outcome's fold depends only on its request id (`outcomeFold`).
   */
  folds?: number;
  /** Fewer training rows than this for either model: no challenger. Default 30. */
  minimumTrainingRows?: number;
  /** The learned router's scorer name. Default `learned`. */
  name?: string;
  /**
   * A two-model router to refine (its strong and weak models stand for this pair), on the outcomes'
   * feature options; `routekit train --from-outcomes` uses the shipped `lr`. It is refined twice (at
   * its own weight, and counted as `lightPriorEvidence` rows), a challenger from zero is trained too,
   * and the outcomes' out-of-fold APGR picks one. Default none.
   */
  prior?: RouterFile;
}

export interface Challenge extends PromotionVerdict {
  /** The challenger's router file (absent when there was too little to train on). */
  file?: RouterFile;
  strong: string;
  weak: string;
  /** Outcomes the challenger was trained on. */
  trainedOn: number;
}

/**
 * `routekit train --from-outcomes`: fits a challenger on this deployment's outcomes (the router's
 * own prompt features and the scores feedback or judging gave), then lets the promotion guard judge
 * it against the champion. The judging is cross-fitted: the outcomes are split in folds by request
 * id, each outcome is scored by the challenger's recipe trained without its fold, and the champion
 * by what it said (or would have said) on outcomes it did not train on; so every outcome that scores
 * both models is evidence, not a 30% held-back share, and the router promoted is trained on all.
 */
export function challengeRouter(outcomes: readonly StoredOutcome[], options: ChallengeOptions): Challenge {
  const usable = outcomes.filter((outcome) => outcome.features !== null && outcome.featurizer === outcomeFeaturizerKey);
  const { strong, weak } = pairOf(usable, options);
  const folds = Math.max(2, options.folds ?? 5);
  const rows: TrainingRow[] = [];
  const rowFeatures: SparseFeatures[] = [];
  const rowOutcomes: StoredOutcome[] = [];
  for (const outcome of usable) {
    const scores: Record<string, number> = {};
    if (Object.hasOwn(outcome.scores, strong)) scores[strong] = outcome.scores[strong]!;
    if (Object.hasOwn(outcome.scores, weak)) scores[weak] = outcome.scores[weak]!;
    if (Object.keys(scores).length === 0) continue;
    rows.push({ prompt: '', scores });
    rowFeatures.push(decodeSparseFeatures(outcome.features!));
    rowOutcomes.push(outcome);
  }
  const fold = rowOutcomes.map((outcome) => outcomeFold(outcome.request_id, folds));
  // Outcomes that score both models: the only ones that say which model a prompt needed.
  const comparable = rows.flatMap((row, index) => (Object.keys(row.scores).length === 2 ? [index] : []));
  const scoredRows = (model: string) => rows.filter((row) => Object.hasOwn(row.scores, model)).length;
  const minimum = options.minimumTrainingRows ?? 30;
  if (scoredRows(strong) < minimum || scoredRows(weak) < minimum) {
    const empty = { apgr: 0, costAt95: 1 };
    const noInterval = { estimate: 0, low: -Infinity, high: Infinity };
    return { promote: false, reason: `Kept the champion: not enough evidence to train, ${scoredRows(strong)} outcomes score ${strong} and ${scoredRows(weak)} score ${weak}; at least ${minimum} each needed.`, champion: empty, challenger: empty, apgrDifference: noInterval, costDifference: noInterval, outcomes: 0, strong, weak, trainedOn: rows.length };
  }
  const train = (prior: RouterFile | undefined, evidence?: number) => trainRouter(rows, {
    name: options.name ?? 'learned',
    strong,
    weak,
    models: [strong, weak],
    features: rowFeatures,
    folds,
    foldOf: fold,
    catalogModels: { [strong]: strong, [weak]: weak },
    ...(prior?.strong !== undefined && prior.weak !== undefined && { prior: { file: prior, models: { [strong]: prior.strong, [weak]: prior.weak }, ...(evidence !== undefined && { evidence }) } }),
    ...outcomeFeaturizerOptions,
    notes: { source: 'outcomes', trainedOn: rows.length, champion: options.champion.version, trainedAt: new Date().toISOString(), start: prior === undefined ? 'zero' : `prior ${prior.name}${evidence === undefined ? '' : ` counted as ${evidence} rows`}` },
  });
  // With a prior, three candidates, chosen by out-of-fold APGR: the prior refined (safe when traffic
  // resembles its data), the prior refined as if it had seen only `lightPriorEvidence` rows (its
  // ranking within a kind of prompt kept, while the outcomes move what differs here, such as how
  // often each kind needs the strong model), and one from zero (when traffic is nothing like it).
  // The choice that scores a fold's outcomes is made on the other folds, so the guard never judges a
  // choice on the outcomes it was made on.
  const candidates = options.prior === undefined ? [train(undefined)] : [train(options.prior), train(options.prior, lightPriorEvidence), train(undefined)];
  const best = (indices: readonly number[]) => {
    if (candidates.length === 1 || indices.length < minimum) return candidates[0]!;
    const apgrOf = (candidate: (typeof candidates)[number]) => pairMetrics(indices.map((index) => ({ score: candidate.outOfFoldStrongWin[index]!, strong: rows[index]!.scores[strong]!, weak: rows[index]!.scores[weak]! }))).apgr;
    return candidates.reduce((chosen, candidate) => (apgrOf(candidate) > apgrOf(chosen) ? candidate : chosen));
  };
  const chosenFor = Array.from({ length: folds }, (_, current) => best(comparable.filter((index) => fold[index] !== current)));
  const { file } = best(comparable);
  const championOf = championJudge(options.champion);
  const judged: JudgedOutcome[] = [];
  for (const index of comparable) {
    const outcome = rowOutcomes[index]!;
    const champion = championOf(outcome, rowFeatures[index]!);
    if (champion === null) continue;
    const challenger = chosenFor[fold[index]!]!.outOfFoldStrongWin[index]!;
    judged.push({ champion, challenger, strong: outcome.scores[strong]!, weak: outcome.scores[weak]!, strongCost: outcome.costs[strong] ?? 0, weakCost: outcome.costs[weak] ?? 0 });
  }
  const verdict = guardPromotion(judged, options);
  file.notes = { ...file.notes, judgedOn: verdict.outcomes, apgr: round(verdict.challenger.apgr), championApgr: round(verdict.champion.apgr), costAt95: round(verdict.challenger.costAt95), championCostAt95: round(verdict.champion.costAt95) };
  return { ...verdict, file, strong, weak, trainedOn: rows.length };
}

/**
 * How many rows the light prior candidate counts the prior for: measured on the mixed replay
 * (bench/routing-learning.ts, docs/learning.md), 50 to 200 rows did equally well from 1,000 outcomes
 * and 200 best below; the prior's own count (7,598 rows for the shipped `lr`) barely moves on mixed traffic.
 */
const lightPriorEvidence = 200;

/** Which of `folds` cross-fitting folds an outcome falls in: a fixed hash of its request id, so it stays put as outcomes accumulate. */
export function outcomeFold(requestId: string, folds: number): number {
  return promptFingerprint(`fold:${requestId}`) % folds;
}

/**
 * The champion's strong-win probability on an outcome it cannot have trained on, else null. What it
 * stored when it routed the request comes first (the shipped router reads text that is not kept, so
 * that is all there is of it); a learned champion's scorer also answers for requests routed after it
 * was trained. Outcomes it trained on would flatter it, so they are left out.
 */
function championJudge(champion: ChallengeOptions['champion']): (outcome: StoredOutcome, features: SparseFeatures) => number | null {
  const scorer = champion.scorer !== undefined && sameFeaturizer(champion.scorer.file) ? champion.scorer : undefined;
  const trainedAt = typeof scorer?.file.notes.trainedAt === 'string' ? Date.parse(scorer.file.notes.trainedAt) : Number.NaN;
  return (outcome, features) => {
    if (outcome.router_version === champion.version && outcome.routed_score !== null) return outcome.routed_score;
    if (scorer !== undefined && Date.parse(outcome.time) > trainedAt) return scorer.strongWinProbabilityOfFeatures(features);
    return null;
  };
}

function pairOf(outcomes: readonly StoredOutcome[], options: ChallengeOptions): { strong: string; weak: string } {
  if (options.strong !== undefined && options.weak !== undefined) return { strong: options.strong, weak: options.weak };
  const counts = new Map<string, number>();
  const costs = new Map<string, number[]>();
  for (const outcome of outcomes) {
    for (const model of Object.keys(outcome.scores)) counts.set(model, (counts.get(model) ?? 0) + 1);
    for (const [model, cost] of Object.entries(outcome.costs)) costs.set(model, [...(costs.get(model) ?? []), cost]);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([model]) => model);
  if (ranked.length < 2) throw new InvalidRequestError(`Outcomes score ${ranked.length === 0 ? 'no model' : `only ${ranked[0]}`}; training needs scores of two models (name them with --strong and --weak).`, { code: 'not_enough_outcomes' });
  const meanCost = (model: string) => {
    const values = costs.get(model) ?? [];
    return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
  };
  const [first, second] = [ranked[0]!, ranked[1]!];
  const [dearer, cheaper] = meanCost(first) >= meanCost(second) ? [first, second] : [second, first];
  return { strong: options.strong ?? dearer, weak: options.weak ?? cheaper };
}

function sameFeaturizer(file: RouterFile): boolean {
  const { featurizer } = file;
  return featurizer.bits === outcomeFeaturizerOptions.bits && featurizer.splitByPromptType === true && featurizer.taskStatistics === true && (featurizer.without ?? []).length === 0;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
