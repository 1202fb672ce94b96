import { describe, expect, it } from 'vitest';
import { createOutcomeFeaturizer, encodeSparseFeatures, outcomeFeaturizerKey } from './outcome-features.js';
import { difficultyBand, promptCategory, promptCategoryOfFeatures } from './prompt-cell.js';

describe('prompt cells', () => {
  const featurizer = createOutcomeFeaturizer();
  const texts: [string, string][] = [
    ['Which planet is the largest?\nA. Mars\nB. Jupiter\nC. Venus\nD. Earth', 'choice'],
    ['What does this print?\n```js\nconsole.log(1)\n```\nA) 1\nB) undefined', 'choice'],
    ['def add(a, b):\n    return a + b\n\nWrite tests for this function.', 'code'],
    ['Fix my loop: for (let i = 0; i < n; i++) { sum += i; }', 'code'],
    ['Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?', 'other'],
    ['Hello!', 'other'],
    ['', 'other'],
  ];

  it('reads the same category from the stored features as from the text, for every kind', () => {
    for (const [text, category] of texts) {
      expect(promptCategory(text)).toBe(category);
      expect(promptCategoryOfFeatures(encodeSparseFeatures(featurizer.extract(text)), outcomeFeaturizerKey)).toBe(category);
    }
  });

  it('cuts strong-win probabilities at the band edges, an edge starting the higher band', () => {
    expect([0, 0.549, 0.55, 0.6, 0.649, 0.65, 1].map((p) => difficultyBand(p))).toEqual([0, 0, 1, 2, 2, 3, 3]);
    expect(difficultyBand(0.9, [])).toBe(0);
  });
});
