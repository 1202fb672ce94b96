import { describe, expect, it } from 'vitest';
import { areaUnder, costSaved, pairMetrics, routingCurve } from './routing-metrics.js';

// Four prompts, worked by hand: strong quality 0.75, weak 0.25, gap 0.5.
// Sending prompts top-down by score, PGR goes 0 -> 0.5 (0.25) -> 0.5 (0.5) -> 0.5 (0.75) -> 1 (1.0).
const fourPrompts = [
  { score: 0.9, strong: 1, weak: 0 },
  { score: 0.6, strong: 1, weak: 1 },
  { score: 0.4, strong: 0, weak: 0 },
  { score: 0.1, strong: 1, weak: 0 },
];

describe('pairMetrics (RouteLLM definitions)', () => {
  it('computes APGR as the trapezoidal area under the PGR curve over strong share 0..1', () => {
    const metrics = pairMetrics(fourPrompts);
    // 0.0625 + 0.125 + 0.125 + 0.1875
    expect(metrics.apgr).toBeCloseTo(0.5, 12);
    expect(metrics.strongQuality).toBe(0.75);
    expect(metrics.weakQuality).toBe(0.25);
  });

  it('computes CPT(x) as the least strong share whose PGR reaches x', () => {
    const metrics = pairMetrics(fourPrompts);
    expect(metrics.cpt50).toBe(0.25);
    expect(metrics.cpt80).toBe(1);
    expect(metrics.shareAt95).toBe(1);
  });

  it('rewards a router that sends the strong-only wins first', () => {
    const perfect = pairMetrics(fourPrompts.map((outcome) => ({ ...outcome, score: outcome.strong - outcome.weak })));
    // Both wins first: PGR 0.5 at 0.25, 1 at 0.5, then flat: 0.0625 + 0.1875 + 0.25 + 0.25.
    expect(perfect.apgr).toBeCloseTo(0.75, 12);
    expect(perfect.cpt80).toBe(0.5);
  });

  it('moves prompts with equal scores as one block, so a constant router scores the random 0.5', () => {
    const constant = fourPrompts.map((outcome) => ({ ...outcome, score: 0.3 }));
    expect(routingCurve(constant).map((point) => point.strongShare)).toEqual([0, 1]);
    expect(pairMetrics(constant).apgr).toBeCloseTo(0.5, 12);
  });

  it('reports PGR 0 when the two models are equally good (no gap to recover)', () => {
    const metrics = pairMetrics([{ score: 1, strong: 1, weak: 0 }, { score: 0, strong: 0, weak: 1 }]);
    expect(metrics.curve.every((point) => point.pgr === 0)).toBe(true);
  });
});

describe('costSaved and areaUnder', () => {
  it('saves the weak share of the strong cost, less what the weak model costs', () => {
    expect(costSaved(0.25, 10, 1)).toBeCloseTo(1 - (2.5 + 0.75) / 10, 12);
    expect(costSaved(1, 10, 1)).toBe(0);
  });

  it('integrates a polyline with trapezoids', () => {
    expect(areaUnder([[0, 0], [1, 1], [2, 1]])).toBe(1.5);
  });

  it('agrees with RouteLLM\'s threshold procedure (score >= threshold goes strong) taken at every distinct score, ties included', () => {
    // Scores on a coarse grid, so many prompts tie; outcomes from a fixed generator.
    let state = 12345;
    const next = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
    const outcomes = Array.from({ length: 400 }, () => {
      const strong = next() < 0.8 ? 1 : 0;
      const weak = next() < 0.6 ? 1 : 0;
      return { score: Math.round((strong - weak + next() * 1.5) * 4) / 4, strong, weak };
    });
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const weakQuality = mean(outcomes.map((outcome) => outcome.weak));
    const gap = mean(outcomes.map((outcome) => outcome.strong)) - weakQuality;
    // RouteLLM: for each threshold, route, then PGR against the share of strong calls; one threshold above all scores gives share 0.
    const thresholds = [Infinity, ...new Set(outcomes.map((outcome) => outcome.score))].sort((a, b) => b - a);
    const points = thresholds.map((threshold) => {
      const strong = outcomes.map((outcome) => outcome.score >= threshold);
      const quality = mean(outcomes.map((outcome, index) => (strong[index] ? outcome.strong : outcome.weak)));
      return [mean(strong.map(Number)), (quality - weakQuality) / gap] as const;
    });
    expect(thresholds.length).toBeLessThan(40);
    expect(pairMetrics(outcomes).apgr).toBeCloseTo(areaUnder(points), 12);
  });
});
