import { InvalidRequestError } from '../../errors.js';
import { decodeWeights, encodeFingerprints, encodeWeights, type RouterFile } from '../router-file.js';
import { PromptFeaturizer, standardiseStatistics, type FeatureFamily, type SparseFeatures } from '../prompt-features.js';
import { calibratedShares, thresholdForStrongShare } from './calibrate-threshold.js';
import { dot, seededRandom, sigmoid, trainLogisticRegression, type LogisticRegressionOptions } from './logistic-regression.js';
import { commonModels, type TrainingRow } from './training-row.js';

export interface TrainRouterOptions {
  /** The scorer name, used in `router-<name>-<threshold>`. */
  name: string;
  /** The strong model of a two-model router; default the model with the best mean score. */
  strong?: string;
  /** The weak model; default the model with the worst mean score. */
  weak?: string;
  /** Catalog ids standing for the data-set models, e.g. { 'gpt-4-1106-preview': 'openai/gpt-4.1' }. */
  catalogModels?: Record<string, string>;
  /** log2 of the hashed feature space. Default 16. */
  bits?: number;
  /** Feature families to leave out (ablations). */
  without?: FeatureFamily[];
  /** Separate n-gram weights for multiple-choice and other prompts (see `PromptFeaturizerOptions`). */
  splitByPromptType?: boolean;
  /** Append word-problem and answer-choice statistics to the features (see `PromptFeaturizerOptions`). */
  taskStatistics?: boolean;
  /** Logistic regression settings. Default 5 epochs, step 0.1, L2 0.01 (chosen by cross-validation). */
  logistic?: LogisticRegressionOptions;
  /** Folds of the cross-fitting that yields out-of-fold predictions (for calibration and metrics). Default 5. */
  folds?: number;
  /** A weight per row (default 1), e.g. to balance a small data set against a large one trained together. */
  rowWeights?: readonly number[];
  /** A group per row (e.g. the MMLU subject): rows of a group share a fold, so held-out groups are wholly unseen. */
  foldGroups?: readonly string[];
  /**
   * The fold of each row (taken modulo `folds`), instead of a seeded draw by row position: a fold
   * drawn from a stable id (a request id's hash) stays put as rows accumulate.
   */
  foldOf?: readonly number[];
  /** Seed of the fold assignment. Default 7. */
  seed?: number;
  /** Called after each model fit, e.g. for a progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Pull predictions toward each model's mean by this factor (1 = as learned). Default 1. */
  shrinkage?: number;
  /** Free-form notes stored in the file. */
  notes?: Record<string, unknown>;
  /**
   * The rows' features, already extracted raw (no `standardise`) by a featurizer with this call's
   * options, when the text is not kept (outcomes store features, never prompts); rows' `prompt` is
   * then unused and the file has no training fingerprints.
   */
  features?: readonly SparseFeatures[];
  /**
   * The models to fit; rows may lack a score for some of them (a user rated one answer), and each
   * model is fitted on the rows that score it. Default: the models every row scores.
   */
  models?: readonly string[];
  /**
   * Fine-tune another router instead of starting from zero: each model's weights start from the
   * prior's model named in `models` (this training's model -> the prior's), and the prior's feature
   * options and standardisation are kept, so its weights mean the same here. Few rows then move the
   * prior only as far as they show (a deployment's first outcomes refine the shipped router).
   * `evidence` is how many rows the prior counts for (default its file's `notes.rows`, else 1,000):
   * each model's fitted weights are blended with the prior's by n / (n + evidence) for its n rows,
   * so a hundred noisy outcomes cannot undo what thousands of rows taught the prior.
   */
  prior?: { file: RouterFile; models: Readonly<Record<string, string>>; evidence?: number };
}

export interface TrainedRouter {
  file: RouterFile;
  /** Out-of-fold predicted quality per row and model (the row's own outcome never trained it). */
  outOfFold: Float64Array[];
  /** Out-of-fold strong-win probabilities of a two-model router, else empty. */
  outOfFoldStrongWin: number[];
}

export const defaultLogistic: LogisticRegressionOptions = { epochs: 5, learningRate: 0.1, l2: 1e-2 };

/** AdaGrad's starting accumulator when fine-tuning a prior: first steps at most the learning rate times the gradient, so one row cannot overturn it. */
const fineTuneAccumulator = 1;

/**
 * Trains one logistic regression per model on prompt features, cross-fits out-of-fold predictions to
 * calibrate thresholds on prompts the model has not seen, and returns a router file.
 *
 * @example
 * const { file } = trainRouter(rows, { name: 'mine', catalogModels: { big: 'openai/gpt-5', small: 'openai/gpt-5-mini' } });
 */
export function trainRouter(rows: readonly TrainingRow[], options: TrainRouterOptions): TrainedRouter {
  const models = options.models === undefined ? commonModels(rows) : [...options.models];
  if (models.length === 0) throw new InvalidRequestError('The rows share no scored model.', { code: 'invalid_training_row', param: 'scores' });
  const bits = options.bits ?? 16;
  const logistic = { ...defaultLogistic, ...options.logistic };
  const folds = Math.max(2, options.folds ?? 5);
  const shrinkage = options.shrinkage ?? 1;
  const without = options.without ?? [];
  const splitByPromptType = options.splitByPromptType ?? false;
  const taskStatistics = options.taskStatistics ?? false;
  const prior = options.prior;
  if (prior !== undefined) {
    const { featurizer: wanted } = prior.file;
    if (wanted.bits !== bits || (wanted.splitByPromptType ?? false) !== splitByPromptType || (wanted.taskStatistics ?? false) !== taskStatistics || (wanted.without ?? []).join() !== without.join() || wanted.standardise === undefined) {
      throw new InvalidRequestError('The prior router was trained on other feature options; train with its bits, splitByPromptType, taskStatistics and without.', { code: 'invalid_prior', param: 'prior' });
    }
    for (const model of models) {
      if (!Object.hasOwn(prior.models, model) || prior.file.weights[prior.models[model]!] === undefined) throw new InvalidRequestError(`The prior router has no model for ${model}.`, { code: 'invalid_prior', param: 'prior.models' });
    }
  }
  const featurizer = new PromptFeaturizer({ bits, without, splitByPromptType, taskStatistics });
  const priorEvidence = prior === undefined ? 0 : (prior.evidence ?? (typeof prior.file.notes.rows === 'number' ? prior.file.notes.rows : 1_000));
  const priorWeights = new Map(prior === undefined ? [] : models.map((model) => [model, decodeWeights(prior.file.weights[prior.models[model]!]!, featurizer.dimension)]));
  if (options.features !== undefined && options.features.length !== rows.length) throw new InvalidRequestError('There must be one feature vector per row.', { code: 'invalid_training_row', param: 'features' });
  const raw = options.features === undefined ? rows.map((row) => featurizer.extract(row.prompt)) : [...options.features];
  const scoredBy = (indices: readonly number[], model: string) => indices.filter((index) => rows[index]!.scores[model] !== undefined);
  const meanOf = (indices: readonly number[], model: string) => {
    const scored = scoredBy(indices, model);
    return scored.length === 0 ? 0.5 : scored.reduce((sum, index) => sum + rows[index]!.scores[model]!, 0) / scored.length;
  };
  const everyIndex = rows.map((_, index) => index);
  const meanQuality = Object.fromEntries(models.map((model) => [model, meanOf(everyIndex, model)]));
  const byQuality = [...models].sort((a, b) => meanQuality[b]! - meanQuality[a]!);
  const twoModel = models.length === 2 || (options.strong !== undefined && options.weak !== undefined);
  const strong = options.strong ?? byQuality[0]!;
  const weak = options.weak ?? byQuality[byQuality.length - 1]!;

  const total = models.length * (folds + 1);
  let done = 0;
  const fit = (features: readonly SparseFeatures[], indices: readonly number[], model: string) => {
    // Only the rows that score this model train it (all of them, when every row scores every model).
    const positions = indices.flatMap((index, position) => (rows[index]!.scores[model] === undefined ? [] : [position]));
    const kept = positions.length === indices.length ? indices : positions.map((position) => indices[position]!);
    const keptFeatures = positions.length === indices.length ? features : positions.map((position) => features[position]!);
    const sampleWeights = options.rowWeights === undefined ? undefined : kept.map((index) => options.rowWeights![index] ?? 1);
    const initial = priorWeights.get(model);
    const weights = trainLogisticRegression(keptFeatures, kept.map((index) => rows[index]!.scores[model]!), featurizer.dimension, { ...logistic, ...(sampleWeights && { sampleWeights }), ...(initial && { initialWeights: initial, initialAccumulator: logistic.initialAccumulator ?? fineTuneAccumulator }) });
    if (initial !== undefined) {
      const share = kept.length / (kept.length + priorEvidence);
      for (let index = 0; index < weights.length; index++) weights[index] = initial[index]! + share * (weights[index]! - initial[index]!);
    }
    options.onProgress?.(++done, total);
    return weights;
  };

  const random = seededRandom(options.seed ?? 7);
  const groupFold = new Map<string, number>();
  if (options.foldOf !== undefined && options.foldOf.length !== rows.length) throw new InvalidRequestError('There must be one fold per row.', { code: 'invalid_training_row', param: 'foldOf' });
  const fold = rows.map((_, index) => {
    if (options.foldOf !== undefined) return options.foldOf[index]! % folds;
    const group = options.foldGroups?.[index];
    if (group === undefined) return Math.floor(random() * folds);
    if (!groupFold.has(group)) groupFold.set(group, Math.floor(random() * folds));
    return groupFold.get(group)!;
  });
  const outOfFold = rows.map(() => new Float64Array(models.length));
  for (let current = 0; current < folds; current++) {
    const train = rows.flatMap((_, index) => (fold[index] !== current ? [index] : []));
    const test = rows.flatMap((_, index) => (fold[index] === current ? [index] : []));
    const spread = prior?.file.featurizer.standardise ?? spreadOf(train.map((index) => raw[index]!), featurizer.statisticCount);
    const trainFeatures = train.map((index) => standardiseStatistics(raw[index]!, spread));
    models.forEach((model, modelIndex) => {
      const weights = fit(trainFeatures, train, model);
      // The shrinkage target is this fold's training mean, so held-out outcomes never leak into it.
      const mean = meanOf(train, model);
      for (const index of test) {
        const features = standardiseStatistics(raw[index]!, spread);
        outOfFold[index]![modelIndex] = mean + shrinkage * (sigmoid(dot(weights, features.indices, features.values)) - mean);
      }
    });
  }

  const spread = prior?.file.featurizer.standardise ?? spreadOf(raw, featurizer.statisticCount);
  const all = raw.map((features) => standardiseStatistics(features, spread));
  const weights = Object.fromEntries(models.map((model) => [model, encodeWeights(fit(all, everyIndex, model))]));

  const strongIndex = models.indexOf(strong);
  const weakIndex = models.indexOf(weak);
  const outOfFoldStrongWin = twoModel ? outOfFold.map((predictions) => (1 + predictions[strongIndex]! - predictions[weakIndex]!) / 2) : [];
  const thresholds = twoModel ? Object.fromEntries(calibratedShares.map((share) => [String(share), roundDown(thresholdForStrongShare(outOfFoldStrongWin, share))])) : {};
  const meanCostUsd: Record<string, number> = {};
  if (rows.every((row) => row.cost_usd !== undefined)) for (const model of models) meanCostUsd[model] = rows.reduce((sum, row) => sum + (row.cost_usd![model] ?? 0), 0) / rows.length;

  const file: RouterFile = {
    format: 'routekit-router',
    version: 1,
    name: options.name,
    featurizer: { bits, standardise: spread, ...(without.length > 0 && { without }), ...(splitByPromptType && { splitByPromptType }), ...(taskStatistics && { taskStatistics }) },
    models,
    weights,
    ...(twoModel && { strong, weak, defaultThreshold: thresholds['0.3'] }),
    catalogModels: options.catalogModels ?? {},
    meanCostUsd,
    meanQuality,
    shrinkage,
    thresholds,
    ...(options.features === undefined && { trainingFingerprints: encodeFingerprints(rows.map((row) => row.prompt)) }),
    notes: { rows: rows.length, logistic, folds, ...(prior !== undefined && { prior: prior.file.name }), ...options.notes },
  };
  return { file, outOfFold, outOfFoldStrongWin };
}

function spreadOf(features: readonly SparseFeatures[], count: number): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(count).fill(0);
  const square = new Array<number>(count).fill(0);
  for (const { values } of features) {
    const start = values.length - count;
    for (let index = 0; index < count; index++) {
      mean[index]! += values[start + index]! / features.length;
      square[index]! += values[start + index]! ** 2 / features.length;
    }
  }
  const scale = mean.map((value, index) => Math.sqrt(Math.max(square[index]! - value * value, 0)));
  return {
    mean: mean.map((value, index) => (index === 0 ? 0 : round(value))),
    // A statistic that barely varies in the training data would blow up on a new prompt: leave it unscaled.
    scale: scale.map((value, index) => (index === 0 || value < 1e-3 ? 1 : round(value))),
  };
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}

/** Rounds a threshold down, so the rounded threshold still sends at least the calibrated share. */
function roundDown(value: number): number {
  return Math.floor(value * 1e6) / 1e6;
}
