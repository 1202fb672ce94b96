import { describe, expect, it } from 'vitest';
import { isMultipleChoice, PromptFeaturizer, promptStatistics, standardiseStatistics, statisticNames, tailStart, taskStatisticNames, taskStatistics } from './prompt-features.js';

const norm = (values: Float32Array, from: number, to: number) => Math.sqrt(values.slice(from, to).reduce((sum, value) => sum + value * value, 0));

describe('PromptFeaturizer', () => {
  const featurizer = new PromptFeaturizer({ bits: 12 });

  it('is deterministic and ignores case and whitespace runs', () => {
    const a = featurizer.extract('What  is\n17 * 23?');
    const b = featurizer.extract('what is 17 * 23?');
    expect([...a.indices]).toEqual([...b.indices]);
    expect([...a.values.slice(0, -statisticNames.length)]).toEqual([...b.values.slice(0, -statisticNames.length)]);
  });

  it('puts the statistics after the hashed space, the first being a constant bias', () => {
    const { indices, values } = featurizer.extract('Hello world');
    const first = indices.length - statisticNames.length;
    expect(indices[first]).toBe(1 << 12);
    expect(values[first]).toBe(1);
    expect(featurizer.dimension).toBe((1 << 12) + statisticNames.length);
    expect([...indices.slice(0, first)].every((index) => index < 1 << 12)).toBe(true);
  });

  it('normalises the hashed families so a long prompt does not outweigh a short one', () => {
    const short = featurizer.extract('Solve x^2 = 4.');
    const long = featurizer.extract('Solve x^2 = 4. '.repeat(50));
    const hashed = (features: typeof short) => norm(features.values, 0, features.values.length - statisticNames.length);
    // Three families (words, last paragraph, characters), each of unit norm when they do not collide.
    expect(hashed(short)).toBeGreaterThan(1.4);
    expect(hashed(short)).toBeLessThan(1.8);
    expect(Math.abs(hashed(long) - hashed(short))).toBeLessThan(0.3);
  });

  it('leaves out the families an ablation names', () => {
    const full = new PromptFeaturizer({ bits: 12 }).extract('Name the capital of France.');
    const wordsOnly = new PromptFeaturizer({ bits: 12, without: ['tail', 'characters', 'statistics'] }).extract('Name the capital of France.');
    expect(wordsOnly.indices.length).toBeLessThan(full.indices.length);
    expect([...wordsOnly.values.slice(-statisticNames.length + 1)].every((value) => value === 0)).toBe(true);
  });

  it('standardises the statistics with the training spread, bias untouched', () => {
    const raw = featurizer.extract('abc 123');
    const mean = statisticNames.map(() => 0.5);
    const scale = statisticNames.map(() => 2);
    const standardised = standardiseStatistics(raw, { mean, scale });
    const at = raw.values.length - statisticNames.length;
    expect(standardised.values[at]).toBe(1);
    expect(standardised.values[at + 1]).toBeCloseTo((raw.values[at + 1]! - 0.5) / 2, 6);
    expect(new PromptFeaturizer({ bits: 12, standardise: { mean, scale } }).extract('abc 123').values[at + 1]).toBeCloseTo(standardised.values[at + 1]!, 6);
  });
});

describe('promptStatistics and tailStart', () => {
  it('counts digits, numbers, lines and multiple-choice options', () => {
    const statistics = promptStatistics('Pick one:\nA. 12\nB. 345\nC. 6\nD. 7');
    const at = (name: (typeof statisticNames)[number]) => statistics[statisticNames.indexOf(name)]!;
    expect(at('choice-lines')).toBe(1);
    expect(at('log-numbers')).toBeCloseTo(Math.log1p(4) / 4, 9);
    expect(at('log-largest-number')).toBeCloseTo(Math.log10(346) / 10, 9);
    expect(at('code-cues')).toBe(0);
    expect(promptStatistics('```js\nreturn 1;\n```')[statisticNames.indexOf('code-cues')]).toBe(1);
  });

  it('finds the last paragraph of at least 40 characters, skipping a short trailer', () => {
    const prompt = 'Example question one? Answer: A\n\nThe real question that differs from prompt to prompt?\n\nAnswer:';
    expect(prompt.slice(tailStart(prompt))).toBe('The real question that differs from prompt to prompt?\n\nAnswer:');
    expect(tailStart('one paragraph only')).toBe(0);
  });
});

describe('prompt-type split and word-problem statistics', () => {
  const choice = 'Which is prime?\nA. 4\nB. 6\nC. 7\nD. 9\nAnswer:';
  const problem = 'Ann buys 3 apples at $2 each and half as many pears. How much does she pay?';

  it('detects multiple-choice prompts by two or more lettered answer lines', () => {
    expect(isMultipleChoice(choice)).toBe(true);
    expect(isMultipleChoice('(a) yes\n(b) no')).toBe(true);
    expect(isMultipleChoice(problem)).toBe(false);
    expect(isMultipleChoice('A. only one lettered line')).toBe(false);
  });

  it('moves a multiple-choice prompt to n-gram slots and a statistics block of its own, and leaves other prompts as before', () => {
    const plain = new PromptFeaturizer({ bits: 12 });
    const split = new PromptFeaturizer({ bits: 12, splitByPromptType: true });
    expect(split.dimension).toBe((1 << 12) + 2 * statisticNames.length);
    expect([...split.extract(problem).indices]).toEqual([...plain.extract(problem).indices]);
    const moved = split.extract(choice);
    const before = plain.extract(choice);
    const hashedCount = moved.indices.length - statisticNames.length;
    expect(new Set(moved.indices.slice(0, hashedCount))).not.toEqual(new Set(before.indices.slice(0, hashedCount)));
    expect(moved.indices[hashedCount]).toBe((1 << 12) + statisticNames.length);
    expect([...moved.values]).toEqual([...before.values]);
  });

  it('appends word-problem statistics after the standard ones', () => {
    const featurizer = new PromptFeaturizer({ bits: 12, taskStatistics: true });
    expect(featurizer.statisticCount).toBe(statisticNames.length + taskStatisticNames.length);
    const { values } = featurizer.extract(problem);
    const statistics = values.slice(-taskStatisticNames.length);
    const at = (name: (typeof taskStatisticNames)[number]) => statistics[taskStatisticNames.indexOf(name)]!;
    expect(at('numbers')).toBe(2);
    expect(at('money')).toBe(1);
    expect(at('multipliers')).toBe(1);
    expect(at('rates')).toBe(1);
    expect(at('sentences')).toBe(2);
    expect(at('distinct-names')).toBe(2);
    expect(taskStatistics('It costs 1,250.5 dollars, 20% off, 3/4 of it.').slice(0, 6)).toEqual([4, Math.log1p(1250.5), 1, 1, 0, 1]);
    expect(at('numeric-choices')).toBe(0);
  });

  it('describes the answer choices of a multiple-choice prompt', () => {
    const statistics = taskStatistics('Which of the following is NOT prime?\nA. 2\nB. 3\nC. 9\nD. None of the above');
    const at = (name: (typeof taskStatisticNames)[number]) => statistics[taskStatisticNames.indexOf(name)]!;
    expect(at('numeric-choices')).toBe(3);
    expect(at('all-or-none-of-the-above')).toBe(1);
    expect(at('negation-cue')).toBe(1);
    expect(at('which-of-the-following')).toBe(1);
    expect(at('log-longest-choice')).toBeCloseTo(Math.log1p('None of the above'.length), 9);
    expect(at('log-question-stem')).toBeCloseTo(Math.log1p('Which of the following is NOT prime?\n'.length), 9);
    expect(at('true-false-choices')).toBe(0);
  });
});
