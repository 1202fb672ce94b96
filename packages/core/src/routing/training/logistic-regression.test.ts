import { describe, expect, it } from 'vitest';
import { dot, seededRandom, sigmoid, trainLogisticRegression } from './logistic-regression.js';

const example = (...pairs: [number, number][]) => ({ indices: Int32Array.from(pairs.map(([index]) => index)), values: Float32Array.from(pairs.map(([, value]) => value)) });

describe('trainLogisticRegression', () => {
  it('learns which feature predicts the label', () => {
    // Feature 1 marks positives, feature 2 negatives; feature 0 is a bias.
    const examples = Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? example([0, 1], [1, 1]) : example([0, 1], [2, 1])));
    const labels = examples.map((_, index) => (index % 2 === 0 ? 1 : 0));
    const weights = trainLogisticRegression(examples, labels, 3, { epochs: 20 });
    expect(sigmoid(dot(weights, examples[0]!.indices, examples[0]!.values))).toBeGreaterThan(0.8);
    expect(sigmoid(dot(weights, examples[1]!.indices, examples[1]!.values))).toBeLessThan(0.2);
  });

  it('fits soft labels: a feature seen with label 0.7 predicts about 0.7', () => {
    const examples = Array.from({ length: 50 }, () => example([0, 1]));
    const weights = trainLogisticRegression(examples, examples.map(() => 0.7), 1, { epochs: 40, l2: 0 });
    expect(sigmoid(weights[0]!)).toBeCloseTo(0.7, 1);
  });

  it('is reproducible for a seed', () => {
    const examples = Array.from({ length: 20 }, (_, index) => example([index % 3, 1]));
    const labels = examples.map((_, index) => index % 2);
    expect([...trainLogisticRegression(examples, labels, 3, { seed: 5 })]).toEqual([...trainLogisticRegression(examples, labels, 3, { seed: 5 })]);
  });

  it('seededRandom gives the same stream for the same seed, in 0..1', () => {
    const [a, b] = [seededRandom(9), seededRandom(9)];
    const values = Array.from({ length: 5 }, () => a());
    expect(values).toEqual(Array.from({ length: 5 }, () => b()));
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
