import { describe, expect, it } from 'vitest';
import { PromptFeaturizer, promptStatistics, standardiseStatistics, statisticNames, tailStart } from './prompt-features.js';

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
