import { describe, expect, it } from 'vitest';
import { seededRandom } from '../routing/training/logistic-regression.js';
import { LinearScorer } from '../routing/linear-scorer.js';
import { shippedStrongWeakScorer } from '../routing/shipped-routers.js';
import { challengeRouter, outcomeFold } from './challenge-router.js';
import { guardPromotion } from './promotion-guard.js';
import type { StoredOutcome } from './outcome.js';
import { createOutcomeFeaturizer, decodeSparseFeatures, encodeSparseFeatures, outcomeFeaturizerOptions } from './outcome-features.js';
import { trainRouter } from '../routing/training/train-router.js';

const strong = 'openai/gpt-4.1';
const weak = 'openai/gpt-4.1-nano';
const hardWords = ['integral', 'prove', 'theorem', 'eigenvalue', 'asymptotic', 'derivation', 'lemma', 'topology'];
const easyWords = ['hello', 'thanks', 'weather', 'greeting', 'recipe', 'coffee', 'weekend', 'movie'];
const fillerWords = ['please', 'about', 'tell', 'me', 'the', 'a', 'quick', 'note', 'on', 'today'];

/**
 * Synthetic traffic with a known signal: a prompt with hard words is answered right only by the
 * strong model, one with easy words by both. `signal: false` draws scores at random instead.
 */
function outcomes(count: number, options: { seed: number; signal: boolean; championScore: (hard: boolean, random: () => number) => number }): StoredOutcome[] {
  const random = seededRandom(options.seed);
  const featurizer = createOutcomeFeaturizer();
  const pick = (words: string[]) => words[Math.floor(random() * words.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const hard = random() < 0.4;
    const words = Array.from({ length: 8 }, () => (random() < 0.4 ? pick(hard ? hardWords : easyWords) : pick(fillerWords)));
    const scores = options.signal ? { [strong]: 1, [weak]: hard ? 0 : 1 } : { [strong]: random() < 0.8 ? 1 : 0, [weak]: random() < 0.6 ? 1 : 0 };
    return {
      request_id: `req-${options.seed}-${index}`,
      tenant: 'default',
      time: new Date(1_700_000_000_000 + index * 1000).toISOString(),
      router_version: 'shipped',
      routed_score: options.championScore(hard, random),
      featurizer: 'prompt-features-16-split-task',
      features: encodeSparseFeatures(featurizer.extract(words.join(' '))),
      models: [strong, weak],
      costs: { [strong]: 0.002, [weak]: 0.0001 },
      winner: strong,
      scores,
      scored_at: new Date().toISOString(),
    };
  });
}

describe('challengeRouter and the promotion guard', () => {
  it('promotes a challenger that learned a signal the champion misses', () => {
    const rows = outcomes(600, { seed: 1, signal: true, championScore: (_hard, random) => random() });
    const challenge = challengeRouter(rows, { champion: { version: 'shipped' }, resamples: 300 });
    expect(challenge.strong).toBe(strong);
    expect(challenge.weak).toBe(weak);
    expect(challenge.promote).toBe(true);
    expect(challenge.apgrDifference.low).toBeGreaterThan(0);
    expect(challenge.challenger.apgr).toBeGreaterThan(0.75);
    expect(challenge.file?.strong).toBe(strong);
    // The file is a working router: a hard prompt scores above an easy one.
    const scorer = new LinearScorer(challenge.file);
    expect(scorer.strongWinProbability('prove the theorem about the eigenvalue')).toBeGreaterThan(scorer.strongWinProbability('hello thanks for the coffee recipe'));
  });

  it('refuses a challenger that is no better than a champion that already routes perfectly', () => {
    const rows = outcomes(600, { seed: 2, signal: true, championScore: (hard) => (hard ? 1 : 0) });
    const challenge = challengeRouter(rows, { champion: { version: 'shipped' }, resamples: 300 });
    expect(challenge.promote).toBe(false);
    expect(challenge.reason).toMatch(/Kept the champion/);
  });

  it('refuses a challenger trained on outcomes without a signal', () => {
    const rows = outcomes(600, { seed: 3, signal: false, championScore: (_hard, random) => random() });
    const challenge = challengeRouter(rows, { champion: { version: 'shipped' }, resamples: 300 });
    expect(challenge.promote).toBe(false);
  });

  it('judges a learned champion only on outcomes it cannot have trained on: those it routed, and requests routed after it was trained', () => {
    const rows = outcomes(600, { seed: 4, signal: true, championScore: (_hard, random) => random() });
    const first = challengeRouter(rows, { champion: { version: 'shipped' }, resamples: 200 });
    expect(first.promote).toBe(true);
    const scorer = new LinearScorer(first.file);
    // The promoted router trained on every one of these outcomes: judging it on them would flatter it.
    const again = challengeRouter(rows, { champion: { version: 'learned-v1', scorer }, resamples: 200 });
    expect(again.promote).toBe(false);
    expect(again.outcomes).toBe(0);
    expect(again.reason).toMatch(/not enough evidence/);
    // Requests it routed since: judged by the score it stored then. A challenger trained on them too does not beat it.
    const routed = outcomes(300, { seed: 10, signal: true, championScore: () => 0 }).map((row) => ({ ...row, request_id: `routed-${row.request_id}`, router_version: 'learned-v1', routed_score: scorer.strongWinProbabilityOfFeatures(decodeSparseFeatures(row.features!)) }));
    const later = challengeRouter([...rows, ...routed], { champion: { version: 'learned-v1', scorer }, resamples: 200 });
    expect(later.outcomes).toBe(300);
    expect(later.promote).toBe(false);
    // With its scorer, requests routed by another router after it was trained count too.
    const after = outcomes(200, { seed: 11, signal: true, championScore: () => 0 }).map((row) => ({ ...row, request_id: `after-${row.request_id}`, time: new Date(Date.now() + 60_000).toISOString() }));
    expect(challengeRouter([...rows, ...after], { champion: { version: 'learned-v1', scorer }, resamples: 200 }).outcomes).toBe(200);
    expect(challengeRouter([...rows, ...after], { champion: { version: 'learned-v1' }, resamples: 200 }).outcomes).toBe(0);
  });

  it('judges on every outcome that scores both models, each scored by a challenger trained without its fold', () => {
    const rows = outcomes(600, { seed: 12, signal: true, championScore: (_hard, random) => random() });
    const challenge = challengeRouter(rows, { champion: { version: 'shipped' }, resamples: 200 });
    // No share is held back from training or from judging: the stored router trained on all 600, and all 600 judged it.
    expect(challenge.trainedOn).toBe(600);
    expect(challenge.outcomes).toBe(600);
    expect(challenge.file?.notes.judgedOn).toBe(600);
  });

  it('puts an outcome in the same fold every time, whatever else has arrived, and spreads outcomes evenly', () => {
    const counts = [0, 0, 0, 0, 0];
    for (let index = 0; index < 2000; index++) {
      const fold = outcomeFold(`req-${index}`, 5);
      expect(fold).toBe(outcomeFold(`req-${index}`, 5));
      counts[fold]! += 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(340);
    expect(outcomeFold('req-7', 5)).toBe(outcomeFold('req-7', 5));
  });

  it('trains on outcomes that score only the model that answered', () => {
    const rows = outcomes(900, { seed: 6, signal: true, championScore: (_hard, random) => random() }).map((row, index) => {
      // Two thirds of users rated the one answer they saw; the rest scored both (what the guard judges on).
      if (index % 3 === 0) return row;
      const model = index % 3 === 1 ? strong : weak;
      return { ...row, scores: { [model]: row.scores[model]! } };
    });
    const challenge = challengeRouter(rows, { champion: { version: 'shipped' }, resamples: 200 });
    expect(challenge.trainedOn).toBe(900);
    expect(challenge.outcomes).toBe(300);
    expect(challenge.promote).toBe(true);
  });

  it('refuses a challenger that ranks worse than the champion, however many outcomes judge it', () => {
    // 1,000 outcomes, one in four needs the strong model: the champion ranks those first, the challenger at random.
    const random = seededRandom(13);
    const judged = Array.from({ length: 1000 }, (_, index) => {
      const hard = index % 4 === 0;
      return { champion: hard ? 0.9 : 0.1, challenger: random(), strong: 1, weak: hard ? 0 : 1, strongCost: 1, weakCost: 0.01 };
    });
    const verdict = guardPromotion(judged, { resamples: 300 });
    expect(verdict.apgrDifference.high).toBeLessThan(0);
    expect(verdict.promote).toBe(false);
    expect(verdict.reason).toMatch(/Kept the champion/);
  });

  it('refuses a challenger that is better on APGR but dearer at 95% of strong quality beyond the interval', () => {
    // 20 hard prompts of 100 (only the strong model is right), twenty times over. The champion ranks 16
    // hard ones first and 4 last: 95% of strong quality at 15% strong calls, APGR about 0.74. The
    // challenger ranks 12 first and 8 at ranks 29-36: APGR about 0.84, but 95% only past 30% strong calls.
    const championRank = (hard: number) => (hard < 16 ? hard : 96 + (hard - 16));
    const challengerRank = (hard: number) => (hard < 12 ? hard : 29 + (hard - 12));
    const judged = [];
    for (let block = 0; block < 20; block++) {
      const easyRanks = (taken: Set<number>) => Array.from({ length: 100 }, (_, rank) => rank).filter((rank) => !taken.has(rank));
      const championEasy = easyRanks(new Set(Array.from({ length: 20 }, (_, hard) => championRank(hard))));
      const challengerEasy = easyRanks(new Set(Array.from({ length: 20 }, (_, hard) => challengerRank(hard))));
      for (let hard = 0; hard < 20; hard++) judged.push({ champion: 1 - championRank(hard) / 100, challenger: 1 - challengerRank(hard) / 100, strong: 1, weak: 0, strongCost: 1, weakCost: 0.01 });
      for (let easy = 0; easy < 80; easy++) judged.push({ champion: 1 - championEasy[easy]! / 100, challenger: 1 - challengerEasy[easy]! / 100, strong: 1, weak: 1, strongCost: 1, weakCost: 0.01 });
    }
    const verdict = guardPromotion(judged, { resamples: 300 });
    expect(verdict.apgrDifference.low).toBeGreaterThan(0);
    expect(verdict.costDifference.low).toBeGreaterThan(0);
    expect(verdict.promote).toBe(false);
    expect(verdict.reason).toMatch(/cost at 95% of strong quality is higher/);
  });
});

describe('fine-tuning a prior router', () => {
  it('refines the prior by its evidence: a few noisy outcomes keep its ranking, where a router from zero has learned nothing', () => {
    const prior = shippedStrongWeakScorer();
    const random = seededRandom(8);
    const rows = Array.from({ length: 60 }, (_, index) => ({ prompt: `note number ${index} about the weekend`, scores: { [strong]: random() < 0.8 ? 1 : 0, [weak]: random() < 0.6 ? 1 : 0 } }));
    const common = { name: 'learned', strong, weak, models: [strong, weak], ...outcomeFeaturizerOptions };
    const tuned = new LinearScorer(trainRouter(rows, { ...common, prior: { file: prior.file, models: { [strong]: prior.file.strong!, [weak]: prior.file.weak! } } }).file);
    const zero = new LinearScorer(trainRouter(rows, common).file);
    const prompts = [
      'A train leaves at 3 pm at 60 mph and a second at 4 pm at 80 mph. When does the second catch up, and how far have they gone?',
      'What is the capital of France?\nA. Paris\nB. Rome\nC. Madrid\nD. Berlin',
      'Which enzyme unwinds DNA during replication?\nA. Ligase\nB. Helicase\nC. Primase\nD. Polymerase',
      'Janet has 3 apples and buys 5 more. How many apples does she have?',
    ];
    const furthest = (scorer: LinearScorer) => Math.max(...prompts.map((prompt) => Math.abs(scorer.strongWinProbability(prompt) - prior.strongWinProbability(prompt))));
    // 60 rows against the prior's 7,598: the refined router stays next to the prior; one from zero does not.
    expect(furthest(tuned)).toBeLessThan(0.01);
    expect(furthest(zero)).toBeGreaterThan(furthest(tuned));
  });

  it('refuses a prior trained on other feature options', () => {
    const rows = outcomes(200, { seed: 9, signal: true, championScore: () => 0.5 });
    const other = { ...shippedStrongWeakScorer().file, featurizer: { ...shippedStrongWeakScorer().file.featurizer, bits: 12 } };
    expect(() => challengeRouter(rows, { champion: { version: 'shipped' }, prior: other })).toThrow(/other feature options/);
  });
});
