import { describe, expect, it } from 'vitest';
import { areaUnderCostQuality, costAtQuality, costQualityCurves, qualityAtCost, upperHull } from './cost-quality-curve.js';

describe('cost-quality curves', () => {
  it('keeps the upper convex hull of points, cheapest first', () => {
    const hull = upperHull([{ cost: 1, quality: 0.5 }, { cost: 2, quality: 0.55 }, { cost: 3, quality: 0.9 }, { cost: 4, quality: 0.8 }]);
    // (2, 0.55) lies under the line from (1, 0.5) to (3, 0.9); (4, 0.8) is dominated.
    expect(hull).toEqual([{ cost: 1, quality: 0.5 }, { cost: 3, quality: 0.9 }]);
  });

  it('interpolates quality at a cost and cost at a quality along the hull', () => {
    const curve = [{ cost: 1, quality: 0.5 }, { cost: 3, quality: 0.9 }];
    expect(qualityAtCost(curve, 2)).toBeCloseTo(0.7, 12);
    expect(qualityAtCost(curve, 0.5)).toBe(0);
    expect(qualityAtCost(curve, 10)).toBe(0.9);
    expect(costAtQuality(curve, 0.8)).toBeCloseTo(2.5, 12);
    expect(costAtQuality(curve, 0.95)).toBeUndefined();
  });

  it('measures the area over normalised cost 0..1, flat after the last point', () => {
    // One point at cost 0 (quality 0.8): the area is 0.8 whatever the unit.
    expect(areaUnderCostQuality([{ cost: 0, quality: 0.8 }], 1)).toBeCloseTo(0.8, 9);
  });

  it('routes each prompt to the best predicted value for money, and the oracle to the cheapest right model', () => {
    // Two prompts, two models: cheap (cost 1) is right on the first only, dear (cost 10) on both.
    const outcomes = [
      { predicted: [0.9, 0.9], expectedCost: [1, 10], actual: [1, 1], actualCost: [1, 10] },
      { predicted: [0.1, 0.9], expectedCost: [1, 10], actual: [0, 1], actualCost: [1, 10] },
    ];
    const choices: number[][] = [];
    const curves = costQualityCurves(['cheap', 'dear'], outcomes, choices);
    expect(curves.single).toEqual([{ cost: 1, quality: 0.5 }, { cost: 10, quality: 1 }]);
    expect(curves.costUnit).toBe(10);
    // With a small cost weight the router keeps the dear model only where the cheap one is predicted to fail.
    const mid = curves.router.find((point) => point.cost === 5.5);
    expect(mid?.quality).toBe(1);
    expect(choices[0]![0]).toBe(0); // a tie in predicted quality goes to the cheaper model
    expect(curves.oracle.some((point) => point.cost === 5.5 && point.quality === 1)).toBe(true);
  });
});
