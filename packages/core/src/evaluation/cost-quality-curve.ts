import { costPenalties } from '../routing/cost-penalty.js';

/** One prompt of a multi-model set, with what the router predicted and what really happened. */
export interface MultiModelOutcome {
  /** Predicted quality per model (same order as `models`). */
  predicted: ArrayLike<number>;
  /** The cost the router expects per model, in USD, known before the call. */
  expectedCost: ArrayLike<number>;
  /** Real quality per model, 0..1. */
  actual: ArrayLike<number>;
  /** Real cost per model, in USD. */
  actualCost: ArrayLike<number>;
}

/** A point of a cost-quality curve: mean cost per prompt (USD) and mean quality. */
export interface CostQualityPoint {
  cost: number;
  quality: number;
  /** The cost weight that produced this point, when a router did. */
  costWeight?: number;
}

export interface CostQualityCurves {
  models: string[];
  /** Each model used alone. */
  single: CostQualityPoint[];
  /** The router at each cost weight. */
  router: CostQualityPoint[];
  /** The random router: mixing single models at random, the upper convex hull of their points. */
  random: CostQualityPoint[];
  /** The oracle: for each prompt the best real outcome at each cost weight. */
  oracle: CostQualityPoint[];
  /** Mean cost of the most expensive single model, the unit of the normalised cost axis. */
  costUnit: number;
}

/** Cost weights swept from "quality only" to "cost only". */
export const costWeights: readonly number[] = [0, ...Array.from({ length: 40 }, (_, index) => 0.001 * Math.pow(1.25, index)), 1e9];

/**
 * `choices`, when given, receives for each prompt the chosen model index per cost weight.
 * For each cost weight, each prompt goes to the model maximising predicted quality minus the weight
 * times its cost penalty (log scale, 0 for the cheapest, 1 for the dearest; the `router@q:1|c:w`
 * objective); the point is the mean real cost and quality that results.
 */
export function costQualityCurves(models: string[], outcomes: readonly MultiModelOutcome[], choices?: number[][]): CostQualityCurves {
  const count = models.length;
  const meanOf = (pick: (outcome: MultiModelOutcome) => ArrayLike<number>, model: number) => outcomes.reduce((sum, outcome) => sum + pick(outcome)[model]!, 0) / Math.max(outcomes.length, 1);
  const single = models.map((_, model) => ({ cost: meanOf((outcome) => outcome.actualCost, model), quality: meanOf((outcome) => outcome.actual, model) }));
  const costUnit = Math.max(...single.map((point) => point.cost));
  const sweep = (pick: (outcome: MultiModelOutcome) => [ArrayLike<number>, ArrayLike<number>], record?: number[][]) =>
    costWeights.map((costWeight, weightIndex) => {
      let cost = 0;
      let quality = 0;
      for (const [rowIndex, outcome] of outcomes.entries()) {
        const [value, price] = pick(outcome);
        const penalties = costPenalties(price);
        let best = 0;
        let bestScore = -Infinity;
        for (let model = 0; model < count; model++) {
          const score = value[model]! - costWeight * penalties[model]!;
          if (score > bestScore || (score === bestScore && price[model]! < price[best]!)) [best, bestScore] = [model, score];
        }
        if (record !== undefined) (record[rowIndex] ??= [])[weightIndex] = best;
        cost += outcome.actualCost[best]!;
        quality += outcome.actual[best]!;
      }
      return { cost: cost / outcomes.length, quality: quality / outcomes.length, costWeight };
    });
  const router = sweep((outcome) => [outcome.predicted, outcome.expectedCost], choices);
  const oracle = sweep((outcome) => [outcome.actual, outcome.actualCost]);
  return { models, single, router, random: upperHull(single), oracle: upperHull(oracle), costUnit };
}

/**
 * The Pareto frontier of points joined by straight lines (mixing two routers at random reaches any
 * point between them): the upper convex hull, from the cheapest point up to the best quality.
 */
export function upperHull(points: readonly CostQualityPoint[]): CostQualityPoint[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const hull: CostQualityPoint[] = [];
  for (const point of sorted) {
    if (hull.length > 0 && point.quality <= hull[hull.length - 1]!.quality) continue;
    while (hull.length >= 2) {
      const [a, b] = [hull[hull.length - 2]!, hull[hull.length - 1]!];
      const cross = (b.cost - a.cost) * (point.quality - a.quality) - (b.quality - a.quality) * (point.cost - a.cost);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(point);
  }
  return hull;
}

/** The quality a curve reaches at a normalised cost, mixing its frontier points; 0 below the cheapest. */
export function qualityAtCost(curve: readonly CostQualityPoint[], cost: number): number {
  const hull = upperHull(curve);
  if (hull.length === 0 || cost < hull[0]!.cost) return 0;
  for (let index = 1; index < hull.length; index++) {
    const [a, b] = [hull[index - 1]!, hull[index]!];
    if (cost <= b.cost) return a.quality + ((b.quality - a.quality) * (cost - a.cost)) / (b.cost - a.cost || 1);
  }
  return hull[hull.length - 1]!.quality;
}

/** The least mean cost at which a curve reaches a quality, or undefined if it never does. */
export function costAtQuality(curve: readonly CostQualityPoint[], quality: number): number | undefined {
  const hull = upperHull(curve);
  if (hull.length === 0 || hull[hull.length - 1]!.quality < quality) return undefined;
  if (hull[0]!.quality >= quality) return hull[0]!.cost;
  for (let index = 1; index < hull.length; index++) {
    const [a, b] = [hull[index - 1]!, hull[index]!];
    if (b.quality >= quality) return a.cost + ((b.cost - a.cost) * (quality - a.quality)) / (b.quality - a.quality);
  }
  return undefined;
}

/** Area under a curve's frontier over normalised cost 0..1 (cost / `costUnit`), flat after its last point. */
export function areaUnderCostQuality(curve: readonly CostQualityPoint[], costUnit: number): number {
  const steps = 1000;
  let area = 0;
  for (let step = 0; step < steps; step++) area += qualityAtCost(curve, ((step + 0.5) / steps) * costUnit) / steps;
  return area;
}
