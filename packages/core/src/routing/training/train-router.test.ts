import { describe, expect, it } from 'vitest';
import { pairMetrics } from '../../evaluation/routing-metrics.js';
import { LinearScorer } from '../linear-scorer.js';
import { statisticNames, taskStatisticNames } from '../prompt-features.js';
import { decodeFingerprints, promptFingerprint } from '../router-file.js';
import { thresholdForStrongShare, strongShareAt } from './calibrate-threshold.js';
import { trainRouter } from './train-router.js';
import { commonModels, parseTrainingRows, type TrainingRow } from './training-row.js';

// Synthetic outcomes: the weak model fails exactly the integrals, the strong one gets everything right.
const topics = ['capital of', 'colour of', 'author of', 'year of', 'integral of', 'integral from'];
const rows: TrainingRow[] = Array.from({ length: 240 }, (_, index) => {
  const topic = topics[index % topics.length]!;
  const hard = topic.startsWith('integral');
  return { id: `row-${index}`, prompt: `What is the ${topic} item number ${index * 7919 % 1000}?`, scores: { big: 1, small: hard ? 0 : 1 } };
});

describe('trainRouter', () => {
  const trained = trainRouter(rows, { name: 'toy', bits: 12, folds: 3, catalogModels: { big: 'openai/gpt-4.1', small: 'openai/gpt-4.1-mini' } });

  it('learns from out-of-fold prompts which prompts need the strong model', () => {
    const metrics = pairMetrics(rows.map((row, index) => ({ score: trained.outOfFoldStrongWin[index]!, strong: row.scores.big!, weak: row.scores.small! })));
    // A third of the prompts are strong-only wins: a perfect router reaches PGR 1 at share 1/3, APGR 5/6.
    expect(metrics.apgr).toBeCloseTo(5 / 6, 2);
    expect(metrics.cpt80).toBeLessThanOrEqual(0.35);
  });

  it('writes a router file a LinearScorer loads and uses on unseen prompts', () => {
    const scorer = new LinearScorer(JSON.parse(JSON.stringify(trained.file)));
    expect(scorer.name).toBe('toy');
    expect(trained.file.strong).toBe('big');
    expect(trained.file.weak).toBe('small');
    expect(scorer.strongWinProbability('What is the integral of item number 4242?')).toBeGreaterThan(scorer.strongWinProbability('What is the capital of item number 4242?') + 0.2);
  });

  it('round-trips the prompt-type split and word-problem statistics through the file', () => {
    // Multiple-choice rows where the weak model fails the chemistry ones, word problems where it fails those with a fraction.
    const mixed: TrainingRow[] = Array.from({ length: 160 }, (_, index) => {
      const choice = index % 2 === 0;
      const hard = index % 4 < 2;
      const prompt = choice
        ? `Which ${hard ? 'chemistry' : 'history'} fact ${index} holds?\nA. one\nB. two\nC. three\nD. four`
        : `Tom has ${index} apples${hard ? ' and gives away 3/4 of them' : ''}. How many are left?`;
      return { id: `mixed-${index}`, prompt, scores: { big: 1, small: hard ? 0 : 1 } };
    });
    const split = trainRouter(mixed, { name: 'split', bits: 12, folds: 3, splitByPromptType: true, taskStatistics: true });
    expect(split.file.featurizer).toMatchObject({ splitByPromptType: true, taskStatistics: true });
    expect(split.file.featurizer.standardise!.mean).toHaveLength(statisticNames.length + taskStatisticNames.length);
    const scorer = new LinearScorer(JSON.parse(JSON.stringify(split.file)));
    expect(scorer.strongWinProbability('Which chemistry fact 999 holds?\nA. one\nB. two\nC. three\nD. four')).toBeGreaterThan(scorer.strongWinProbability('Which history fact 999 holds?\nA. one\nB. two\nC. three\nD. four') + 0.1);
    expect(scorer.strongWinProbability('Tom has 999 apples and gives away 3/4 of them. How many are left?')).toBeGreaterThan(scorer.strongWinProbability('Tom has 999 apples. How many are left?') + 0.1);
  });

  it('calibrates thresholds on out-of-fold predictions, lower for larger strong shares', () => {
    const { thresholds } = trained.file;
    expect(thresholds['0.1']!).toBeGreaterThanOrEqual(thresholds['0.5']!);
    expect(thresholds['0.5']!).toBeGreaterThanOrEqual(thresholds['0.9']!);
    expect(strongShareAt(trained.outOfFoldStrongWin, thresholds['0.3']!)).toBeGreaterThanOrEqual(0.3);
  });

  it('fingerprints the training prompts so evaluations can spot them', () => {
    const seen = decodeFingerprints(trained.file.trainingFingerprints!);
    expect(seen.has(promptFingerprint(rows[0]!.prompt))).toBe(true);
    expect(seen.has(promptFingerprint('a prompt it never saw'))).toBe(false);
  });

  it('cross-fits on the folds it is given: a row\'s out-of-fold prediction never depends on the rows of its own fold', () => {
    const foldOf = rows.map((_, index) => index % 4);
    const options = { name: 'toy', bits: 12, folds: 4, foldOf };
    const before = trainRouter(rows, options).outOfFoldStrongWin;
    // Flip the labels of every other row in fold 0: row 0's prediction (fold 0) stays, row 1's (fold 1, trained on them) moves.
    const flipped = rows.map((row, index) => (index % 4 === 0 && index !== 0 ? { ...row, scores: { big: 1 - row.scores.big!, small: 1 - row.scores.small! } } : row));
    const after = trainRouter(flipped, options).outOfFoldStrongWin;
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(() => trainRouter(rows, { ...options, foldOf: [0, 1] })).toThrow(/one fold per row/);
  });

  it('keeps encoded weights small: int16 per hashed feature', () => {
    expect(JSON.stringify(trained.file).length).toBeLessThan(2 * 4 * ((1 << 12) + 20) + 10_000);
  });
});

describe('training rows and calibration', () => {
  it('names the line and the field of a bad row', () => {
    expect(() => parseTrainingRows('{"prompt":"a","scores":{"x":1}}\n{"prompt":"b","scores":{"x":2}}')).toThrowError(/line 2, field scores\.x/);
    expect(() => parseTrainingRows('not json')).toThrowError(/line 1: not valid JSON/);
  });

  it('keeps only the models every row scores', () => {
    expect(commonModels([{ prompt: 'a', scores: { x: 1, y: 0 } }, { prompt: 'b', scores: { x: 0 } }])).toEqual(['x']);
  });

  it('picks the threshold that sends the target share to the strong model', () => {
    expect(thresholdForStrongShare([0.9, 0.7, 0.4, 0.1], 0.5)).toBe(0.7);
    expect(strongShareAt([0.9, 0.7, 0.4, 0.1], 0.7)).toBe(0.5);
    expect(strongShareAt([0.9, 0.7], thresholdForStrongShare([0.9, 0.7], 0))).toBe(0);
  });
});
