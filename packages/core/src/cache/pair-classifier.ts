import classifierSource from './pair-classifier.json' with { type: 'json' };
import { PAIR_FEATURE_NAMES, pairFeatures, type PromptWords } from './pair-features.js';

/** Gradient-boosted trees of fixed depth, as shipped in pair-classifier.json. */
export interface TreeEnsemble {
  readonly depth: number;
  /** Log-odds before any tree (the training base rate). */
  readonly bias: number;
  /** Per tree, the split feature of each internal node of a complete binary tree, breadth first; -1: no split, go left. */
  readonly features: ReadonlyArray<readonly number[]>;
  readonly thresholds: ReadonlyArray<readonly number[]>;
  /** Per tree, the 2^depth leaf values (log-odds). */
  readonly leaves: ReadonlyArray<readonly number[]>;
}

/** The probability the trees give a feature vector (value > threshold goes right). */
export function treeProbability(model: TreeEnsemble, features: readonly number[]): number {
  let sum = model.bias;
  const internal = (1 << model.depth) - 1;
  for (let tree = 0; tree < model.features.length; tree += 1) {
    const splits = model.features[tree]!;
    const thresholds = model.thresholds[tree]!;
    let node = 0;
    while (node < internal) {
      const feature = splits[node]!;
      node = feature >= 0 && features[feature]! > thresholds[node]! ? 2 * node + 2 : 2 * node + 1;
    }
    sum += model.leaves[tree]![node - internal]!;
  }
  return 1 / (1 + Math.exp(-sum));
}

if (classifierSource.featureNames.join('|') !== PAIR_FEATURE_NAMES.join('|')) {
  // The JSON and the feature code must come from the same version: retrain with scripts/cache-train-pair-classifier.ts.
  throw new Error('pair-classifier.json was trained on other features than pair-features.ts computes');
}
const model: TreeEnsemble = classifierSource;
const cuts: ReadonlyArray<readonly number[]> = classifierSource.cuts;

/**
 * The probability that a cached prompt asks what the new one asks, from the trees trained on the
 * QQP training 70% (scripts/cache-train-pair-classifier.ts) over the pair's features.
 */
export function paraphraseProbability(query: PromptWords, cached: PromptWords, similarity: number): number {
  return treeProbability(model, pairFeatures(query, cached, similarity));
}

/**
 * The probability a pair needs at a configured threshold: threshold t maps to the lowest cut at
 * which the training 70% (out of fold) reached precision t + 0.02, hand-rule hits included (out-of-fold
 * precision overstated held-out precision by 1-3 points); 0.90..0.99 move it monotonically, from
 * 0.94 on it is 1 (the classifier never accepts); values between table rows take the next higher row.
 */
export function classifierCut(threshold: number): number {
  for (const [tableThreshold, cut] of cuts) if (threshold <= tableThreshold! + 1e-9) return cut!;
  return cuts[cuts.length - 1]![1]!;
}
