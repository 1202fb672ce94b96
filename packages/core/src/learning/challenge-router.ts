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
  /** The router in charge: its version, and its scorer when it is a learned one (the shipped one is judged by the scores it gave when it routed). */
  champion: { version: string; scorer?: LinearScorer };
  /** The strong and weak models (catalog ids); default the two models scored most often, the dearer one strong. */
  strong?: string;
  weak?: string;
  /** Share of outcomes held back from training to judge both routers. Default 0.3. */
  holdoutShare?: number;
  /** Fewer training rows than this for either model: no challenger. Default 30. */
  minimumTrainingRows?: number;
  /** The learned router's scorer name. Default `learned`. */
  name?: string;
  /**
   * A two-model router to refine (its strong and weak models stand for this pair), on the outcomes'
   * feature options; `routekit train --from-outcomes` uses the shipped `lr`. A challenger from zero is
   * trained too, and the training outcomes' out-of-fold APGR picks one. Default none.
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
 * it against the champion on outcomes it was not trained on. Which outcomes are held back depends
 * only on the request id, so the held-out set is stable as outcomes accumulate.
 */
export function challengeRouter(outcomes: readonly StoredOutcome[], options: ChallengeOptions): Challenge {
  const usable = outcomes.filter((outcome) => outcome.features !== null && outcome.featurizer === outcomeFeaturizerKey);
  const { strong, weak } = pairOf(usable, options);
  const holdout = options.holdoutShare ?? 0.3;
  const trainRows: TrainingRow[] = [];
  const trainFeatures: SparseFeatures[] = [];
  const heldOut: JudgedOutcome[] = [];
  const heldOutRows: Array<{ outcome: StoredOutcome; features: SparseFeatures }> = [];
  for (const outcome of usable) {
    const scores: Record<string, number> = {};
    if (Object.hasOwn(outcome.scores, strong)) scores[strong] = outcome.scores[strong]!;
    if (Object.hasOwn(outcome.scores, weak)) scores[weak] = outcome.scores[weak]!;
    if (Object.keys(scores).length === 0) continue;
    const features = decodeSparseFeatures(outcome.features!);
    if (isHeldOut(outcome.request_id, holdout)) {
      if (Object.keys(scores).length === 2) heldOutRows.push({ outcome, features });
    } else {
      trainRows.push({ prompt: '', scores });
      trainFeatures.push(features);
    }
  }
  const scoredRows = (model: string) => trainRows.filter((row) => Object.hasOwn(row.scores, model)).length;
  const minimum = options.minimumTrainingRows ?? 30;
  const empty = { apgr: 0, costAt95: 1 };
  const noInterval = { estimate: 0, low: -Infinity, high: Infinity };
  if (scoredRows(strong) < minimum || scoredRows(weak) < minimum) {
    return { promote: false, reason: `Not enough evidence to train: ${scoredRows(strong)} outcomes score ${strong} and ${scoredRows(weak)} score ${weak} outside the held-out share; at least ${minimum} each needed.`, champion: empty, challenger: empty, apgrDifference: noInterval, costDifference: noInterval, outcomes: heldOutRows.length, strong, weak, trainedOn: trainRows.length };
  }
  const train = (prior: RouterFile | undefined) => trainRouter(trainRows, {
    name: options.name ?? 'learned',
    strong,
    weak,
    models: [strong, weak],
    features: trainFeatures,
    catalogModels: { [strong]: strong, [weak]: weak },
    ...(prior?.strong !== undefined && prior.weak !== undefined && { prior: { file: prior, models: { [strong]: prior.strong, [weak]: prior.weak } } }),
    ...outcomeFeaturizerOptions,
    notes: { source: 'outcomes', trainedOn: trainRows.length, champion: options.champion.version, trainedAt: new Date().toISOString(), start: prior === undefined ? 'zero' : `prior ${prior.name}` },
  });
  // With a prior, two candidates: the prior refined (safe when traffic resembles its data) and one
  // from zero (faster when it does not). The training outcomes choose, by their out-of-fold APGR;
  // the held-back ones stay for the guard alone, so choosing costs the guard nothing.
  const candidates = options.prior === undefined ? [train(undefined)] : [train(options.prior), train(undefined)];
  const both = trainRows.flatMap((row, index) => (Object.keys(row.scores).length === 2 ? [index] : []));
  const outOfFoldApgr = (candidate: ReturnType<typeof train>) => pairMetrics(both.map((index) => ({ score: candidate.outOfFoldStrongWin[index]!, strong: trainRows[index]!.scores[strong]!, weak: trainRows[index]!.scores[weak]! }))).apgr;
  const chosen = candidates.length === 1 || both.length < minimum ? candidates[0]! : candidates.reduce((best, candidate) => (outOfFoldApgr(candidate) > outOfFoldApgr(best) ? candidate : best));
  const { file } = chosen;
  const challenger = new LinearScorer(file);
  const championScorer = options.champion.scorer !== undefined && sameFeaturizer(options.champion.scorer.file) ? options.champion.scorer : undefined;
  for (const { outcome, features } of heldOutRows) {
    // The shipped router reads text that is not kept: it is judged by what it said when it routed.
    const champion = championScorer !== undefined ? championScorer.strongWinProbabilityOfFeatures(features) : outcome.router_version === options.champion.version ? outcome.routed_score : null;
    if (champion === null) continue;
    heldOut.push({ champion, challenger: challenger.strongWinProbabilityOfFeatures(features), strong: outcome.scores[strong]!, weak: outcome.scores[weak]!, strongCost: outcome.costs[strong] ?? 0, weakCost: outcome.costs[weak] ?? 0 });
  }
  const verdict = guardPromotion(heldOut, options);
  file.notes = { ...file.notes, heldOut: verdict.outcomes, apgr: round(verdict.challenger.apgr), championApgr: round(verdict.champion.apgr), costAt95: round(verdict.challenger.costAt95), championCostAt95: round(verdict.champion.costAt95) };
  return { ...verdict, file, strong, weak, trainedOn: trainRows.length };
}

/** Whether an outcome is held back from training (about `share` of request ids, the same ones every time). */
export function isHeldOut(requestId: string, share: number): boolean {
  return promptFingerprint(`holdout:${requestId}`) / 4294967296 < share;
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
