/** One evaluated prompt of a two-model set: the router's score and both models' outcomes. */
export interface PairOutcome {
  /** The router's predicted strong-win probability (any score that ranks prompts works). */
  score: number;
  /** The strong model's quality on this prompt, 0..1. */
  strong: number;
  /** The weak model's quality on this prompt, 0..1. */
  weak: number;
}

/** A point of the routing curve: the share of prompts sent to the strong model and the quality reached. */
export interface CurvePoint {
  strongShare: number;
  quality: number;
  /** Performance gap recovered: (quality - weak) / (strong - weak). */
  pgr: number;
}

export interface PairMetrics {
  /** Area under the PGR curve over strong share 0..1 (RouteLLM's APGR); random is 0.5. */
  apgr: number;
  /** Smallest strong share reaching 50% of the gap (RouteLLM's CPT(50%)), in 0..1. */
  cpt50: number;
  /** Smallest strong share reaching 80% of the gap, in 0..1. */
  cpt80: number;
  /** The smallest strong share whose quality reaches 95% of always-strong quality, in 0..1. */
  shareAt95: number;
  strongQuality: number;
  weakQuality: number;
  curve: CurvePoint[];
}

/**
 * The routing curve of a threshold router: prompts sorted by score, sent to the strong model from the
 * top down. A threshold cannot split prompts with equal scores, so a tie group moves as one block and
 * the curve has a point only at group boundaries (straight lines between them, as trapezoids assume).
 */
export function routingCurve(outcomes: readonly PairOutcome[]): CurvePoint[] {
  const n = outcomes.length;
  if (n === 0) return [];
  const sorted = [...outcomes].sort((a, b) => b.score - a.score);
  const weakQuality = mean(outcomes.map((outcome) => outcome.weak));
  const strongQuality = mean(outcomes.map((outcome) => outcome.strong));
  const gap = strongQuality - weakQuality;
  const point = (strongShare: number, quality: number): CurvePoint => ({ strongShare, quality, pgr: gap === 0 ? 0 : (quality - weakQuality) / gap });
  const curve = [point(0, weakQuality)];
  let gained = 0;
  for (let index = 0; index < n; index++) {
    gained += sorted[index]!.strong - sorted[index]!.weak;
    const last = index === n - 1;
    if (last || sorted[index + 1]!.score !== sorted[index]!.score) curve.push(point((index + 1) / n, weakQuality + gained / n));
  }
  return curve;
}

/**
 * APGR, CPT(50%), CPT(80%) as RouteLLM defines them, on every threshold of the router rather than on
 * RouteLLM's ten quantile thresholds (same definition, finer grid).
 *
 * @example
 * pairMetrics([{ score: 0.9, strong: 1, weak: 0 }, { score: 0.1, strong: 1, weak: 1 }]).cpt50; // 0.5
 */
export function pairMetrics(outcomes: readonly PairOutcome[]): PairMetrics {
  const curve = routingCurve(outcomes);
  const strongQuality = mean(outcomes.map((outcome) => outcome.strong));
  const weakQuality = mean(outcomes.map((outcome) => outcome.weak));
  return {
    apgr: areaUnder(curve.map((point) => [point.strongShare, point.pgr])),
    cpt50: minimumShare(curve, (point) => point.pgr >= 0.5),
    cpt80: minimumShare(curve, (point) => point.pgr >= 0.8),
    shareAt95: minimumShare(curve, (point) => point.quality >= 0.95 * strongQuality - 1e-12),
    strongQuality,
    weakQuality,
    curve,
  };
}

/**
 * The cost saved versus always calling the strong model, when a share of prompts goes to it and the
 * rest to the weak one, given each model's mean cost per prompt.
 */
export function costSaved(strongShare: number, strongCost: number, weakCost: number): number {
  if (strongCost <= 0) return 0;
  return 1 - (strongShare * strongCost + (1 - strongShare) * weakCost) / strongCost;
}

/** Trapezoidal area under a polyline given as [x, y] points sorted by x. */
export function areaUnder(points: readonly (readonly [number, number])[]): number {
  let area = 0;
  for (let index = 1; index < points.length; index++) {
    const [x0, y0] = points[index - 1]!;
    const [x1, y1] = points[index]!;
    area += ((x1 - x0) * (y0 + y1)) / 2;
  }
  return area;
}

function minimumShare(curve: readonly CurvePoint[], reached: (point: CurvePoint) => boolean): number {
  return curve.find(reached)?.strongShare ?? 1;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
