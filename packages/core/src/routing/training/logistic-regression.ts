import type { SparseFeatures } from '../prompt-features.js';

export interface LogisticRegressionOptions {
  /** Passes over the data. Default 8. */
  epochs?: number;
  /** AdaGrad base step. Default 0.5. */
  learningRate?: number;
  /** L2 penalty per example on the touched weights. Default 1e-4. */
  l2?: number;
  /** Seed of the example order, so training is reproducible. Default 1. */
  seed?: number;
  /** A weight per example (default 1): how much its error counts. */
  sampleWeights?: ArrayLike<number>;
  /** Return the mean of the weights after each epoch (Polyak averaging), which generalises better. Default true. */
  average?: boolean;
  /**
   * Start from these weights (another router's, on the same features) and pull toward them instead
   * of toward zero: fine-tuning a prior on new rows, so few rows move it only as far as they show.
   */
  initialWeights?: Float32Array;
  /** AdaGrad's starting sum of squared gradients; larger takes smaller first steps (fine-tuning). Default 1e-6. */
  initialAccumulator?: number;
}

/**
 * Logistic regression by AdaGrad SGD on sparse features. Labels may be soft (any value in 0..1), which
 * lets one model learn an expected difference such as (1 + strong - weak) / 2. The L2 penalty is applied
 * to the weights an example touches, the usual cheap form for hashed text features.
 *
 * @example
 * const weights = trainLogisticRegression(features, [1, 0, 1], featurizer.dimension, { epochs: 10 });
 */
export function trainLogisticRegression(examples: readonly SparseFeatures[], labels: ArrayLike<number>, dimension: number, options: LogisticRegressionOptions = {}): Float32Array {
  const epochs = options.epochs ?? 8;
  const rate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-4;
  const prior = options.initialWeights;
  if (prior !== undefined && prior.length !== dimension) throw new Error(`initialWeights has ${prior.length} values, expected ${dimension}.`);
  const weights = prior === undefined ? new Float32Array(dimension) : Float32Array.from(prior);
  const squaredGradients = new Float32Array(dimension).fill(options.initialAccumulator ?? 1e-6);
  const order = Array.from(examples.keys());
  const random = seededRandom(options.seed ?? 1);
  const averaged = new Float32Array(dimension);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(order, random);
    for (const row of order) {
      const { indices, values } = examples[row]!;
      const error = (sigmoid(dot(weights, indices, values)) - labels[row]!) * (options.sampleWeights?.[row] ?? 1);
      for (let slot = 0; slot < indices.length; slot++) {
        const index = indices[slot]!;
        const gradient = error * values[slot]! + l2 * (weights[index]! - (prior === undefined ? 0 : prior[index]!));
        squaredGradients[index]! += gradient * gradient;
        weights[index]! -= (rate * gradient) / Math.sqrt(squaredGradients[index]!);
      }
    }
    for (let index = 0; index < dimension; index++) averaged[index]! += weights[index]! / epochs;
  }
  return options.average === false ? weights : averaged;
}

export function dot(weights: ArrayLike<number>, indices: Int32Array, values: Float32Array): number {
  let sum = 0;
  for (let slot = 0; slot < indices.length; slot++) sum += weights[indices[slot]!]! * values[slot]!;
  return sum;
}

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** A small deterministic generator (mulberry32) for shuffles and fold assignment. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}
