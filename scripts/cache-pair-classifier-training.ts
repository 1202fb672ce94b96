// Training of the semantic cache's pair classifier: logistic regression and a small gradient-boosted
// tree ensemble, both written here (no dependency), over the features of pair-features.ts.
// Imported by scripts/cache-train-pair-classifier.ts (which writes the shipped JSON) and
// scripts/cache-pair-classifier-experiment.ts (curves and ablations).

import { treeProbability, type TreeEnsemble } from '../packages/core/src/cache/pair-classifier.js';

export interface BoostingOptions { trees: number; depth: number; learningRate: number; lambda: number; minimumHessian: number; bins: number }

export const DEFAULT_BOOSTING: BoostingOptions = { trees: 150, depth: 3, learningRate: 0.1, lambda: 1, minimumHessian: 5, bins: 32 };

export const treeScore = treeProbability;

export function trainTrees(rows: readonly number[][], labels: readonly boolean[], options: BoostingOptions = DEFAULT_BOOSTING): TreeEnsemble & { features: number[][]; thresholds: number[][]; leaves: number[][] } {
  const count = rows.length;
  const featureCount = rows[0]!.length;
  // Candidate thresholds: distinct quantiles of each feature.
  const edges: number[][] = [];
  for (let feature = 0; feature < featureCount; feature += 1) {
    const values = rows.map((row) => row[feature]!).sort((left, right) => left - right);
    const cuts = new Set<number>();
    for (let bin = 1; bin < options.bins; bin += 1) cuts.add(values[Math.floor((bin * count) / options.bins)]!);
    edges.push([...cuts].sort((left, right) => left - right).filter((cut) => cut < values[count - 1]!));
  }
  // Bin index of every value: value > edges[b-1] and <= edges[b] -> b.
  const binned = rows.map((row) => row.map((value, feature) => {
    const cuts = edges[feature]!;
    let bin = 0;
    while (bin < cuts.length && value > cuts[bin]!) bin += 1;
    return bin;
  }));
  const positives = labels.filter(Boolean).length;
  const bias = Math.log((positives + 1) / (count - positives + 1));
  const margin = new Float64Array(count).fill(bias);
  const model = { depth: options.depth, bias, features: [] as number[][], thresholds: [] as number[][], leaves: [] as number[][] };
  const internal = (1 << options.depth) - 1;
  for (let round = 0; round < options.trees; round += 1) {
    const gradient = new Float64Array(count);
    const hessian = new Float64Array(count);
    for (let index = 0; index < count; index += 1) {
      const probability = 1 / (1 + Math.exp(-margin[index]!));
      gradient[index] = probability - (labels[index] ? 1 : 0);
      hessian[index] = Math.max(probability * (1 - probability), 1e-6);
    }
    const nodeOf = new Int32Array(count);
    const splitFeatures = new Array<number>(internal).fill(-1);
    const splitThresholds = new Array<number>(internal).fill(0);
    for (let level = 0; level < options.depth; level += 1) {
      const first = (1 << level) - 1;
      const width = 1 << level;
      for (let offset = 0; offset < width; offset += 1) {
        const node = first + offset;
        let best = { gain: 0, feature: -1, bin: 0 };
        for (let feature = 0; feature < featureCount; feature += 1) {
          const bins = edges[feature]!.length + 1;
          const gradients = new Float64Array(bins);
          const hessians = new Float64Array(bins);
          for (let index = 0; index < count; index += 1) {
            if (nodeOf[index] !== node) continue;
            const bin = binned[index]![feature]!;
            gradients[bin]! += gradient[index]!;
            hessians[bin]! += hessian[index]!;
          }
          let totalGradient = 0;
          let totalHessian = 0;
          for (let bin = 0; bin < bins; bin += 1) totalGradient += gradients[bin]!, totalHessian += hessians[bin]!;
          const parent = (totalGradient * totalGradient) / (totalHessian + options.lambda);
          let leftGradient = 0;
          let leftHessian = 0;
          for (let bin = 0; bin + 1 < bins; bin += 1) {
            leftGradient += gradients[bin]!;
            leftHessian += hessians[bin]!;
            const rightHessian = totalHessian - leftHessian;
            if (leftHessian < options.minimumHessian || rightHessian < options.minimumHessian) continue;
            const rightGradient = totalGradient - leftGradient;
            const gain = (leftGradient * leftGradient) / (leftHessian + options.lambda) + (rightGradient * rightGradient) / (rightHessian + options.lambda) - parent;
            if (gain > best.gain) best = { gain, feature, bin };
          }
        }
        if (best.feature >= 0) {
          splitFeatures[node] = best.feature;
          splitThresholds[node] = edges[best.feature]![best.bin]!;
        }
      }
      for (let index = 0; index < count; index += 1) {
        const node = nodeOf[index]!;
        const feature = splitFeatures[node]!;
        nodeOf[index] = feature >= 0 && rows[index]![feature]! > splitThresholds[node]! ? 2 * node + 2 : 2 * node + 1;
      }
    }
    const leafGradients = new Float64Array(internal + 1);
    const leafHessians = new Float64Array(internal + 1);
    for (let index = 0; index < count; index += 1) {
      leafGradients[nodeOf[index]! - internal]! += gradient[index]!;
      leafHessians[nodeOf[index]! - internal]! += hessian[index]!;
    }
    const leaves = Array.from(leafGradients, (sum, leaf) => Math.round((-options.learningRate * sum) / (leafHessians[leaf]! + options.lambda) * 1e4) / 1e4);
    for (let index = 0; index < count; index += 1) margin[index]! += leaves[nodeOf[index]! - internal]!;
    model.features.push(splitFeatures);
    model.thresholds.push(splitThresholds.map((value) => Math.round(value * 1e5) / 1e5));
    model.leaves.push(leaves);
  }
  return model;
}

export interface LogisticModel { means: number[]; scales: number[]; weights: number[]; bias: number }

export function logisticScore(model: LogisticModel, features: readonly number[]): number {
  let sum = model.bias;
  for (let index = 0; index < features.length; index += 1) sum += model.weights[index]! * ((features[index]! - model.means[index]!) / model.scales[index]!);
  return 1 / (1 + Math.exp(-sum));
}

export function trainLogistic(rows: readonly number[][], labels: readonly boolean[], epochs = 300, l2 = 1e-3): LogisticModel {
  const featureCount = rows[0]!.length;
  const means = Array.from({ length: featureCount }, (_, feature) => rows.reduce((sum, row) => sum + row[feature]!, 0) / rows.length);
  const scales = means.map((mean, feature) => Math.sqrt(rows.reduce((sum, row) => sum + (row[feature]! - mean) ** 2, 0) / rows.length) || 1);
  const model: LogisticModel = { means, scales, weights: new Array(featureCount).fill(0), bias: 0 };
  const normalised = rows.map((row) => row.map((value, feature) => (value - means[feature]!) / scales[feature]!));
  const rate = 0.5;
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    const gradient = new Array(featureCount).fill(0);
    let biasGradient = 0;
    normalised.forEach((row, index) => {
      let sum = model.bias;
      for (let feature = 0; feature < featureCount; feature += 1) sum += model.weights[feature]! * row[feature]!;
      const error = 1 / (1 + Math.exp(-sum)) - (labels[index] ? 1 : 0);
      for (let feature = 0; feature < featureCount; feature += 1) gradient[feature] += error * row[feature]!;
      biasGradient += error;
    });
    for (let feature = 0; feature < featureCount; feature += 1) model.weights[feature]! -= rate * (gradient[feature] / rows.length + l2 * model.weights[feature]!);
    model.bias -= (rate * biasGradient) / rows.length;
  }
  return model;
}

/** Precision and recall of `score >= cut` for each cut; `duplicates` counts every duplicate of the set (also those never scored). */
export function precisionRecall(scores: readonly number[], labels: readonly boolean[], cut: number, duplicates: number) {
  let hits = 0;
  let trueHits = 0;
  scores.forEach((score, index) => {
    if (score < cut) return;
    hits += 1;
    if (labels[index]) trueHits += 1;
  });
  return { precision: hits ? trueHits / hits : 1, recall: trueHits / duplicates, hits };
}

/** The smallest cut whose hits (score >= cut) reach `target` precision (over at least `minimumHits` hits). */
export function cutForPrecision(scores: readonly number[], labels: readonly boolean[], target: number, minimumHits = 20): number {
  const order = scores.map((score, index) => [score, labels[index]!] as const).sort((left, right) => right[0] - left[0]);
  let hits = 0;
  let trueHits = 0;
  let best = 1;
  for (const [score, label] of order) {
    hits += 1;
    if (label) trueHits += 1;
    if (hits < minimumHits) continue;
    if (trueHits / hits >= target) best = score;
  }
  return best;
}
