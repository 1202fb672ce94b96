import { pairMetrics, type PairOutcome } from '../evaluation/routing-metrics.js';
import { seededRandom } from '../routing/training/logistic-regression.js';

/** One outcome neither router trained on, as both routers see it: each one's strong-win probability, both models' scores and costs. */
export interface JudgedOutcome {
  champion: number;
  challenger: number;
  strong: number;
  weak: number;
  strongCost: number;
  weakCost: number;
}

/** A router's figures on judged outcomes. */
export interface RouterFigures {
  /** Area under the performance-gap-recovered curve (RouteLLM's APGR); random routing is 0.5. */
  apgr: number;
  /** Cost of reaching 95% of always-strong quality, as a share of always-strong cost. */
  costAt95: number;
}

/** A difference (challenger minus champion) with its bootstrap confidence interval. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface PromotionVerdict {
  promote: boolean;
  /** One sentence a person can act on. */
  reason: string;
  champion: RouterFigures;
  challenger: RouterFigures;
  /** Challenger minus champion APGR: positive is better. */
  apgrDifference: Interval;
  /** Challenger minus champion cost at 95% of strong quality: negative is cheaper. */
  costDifference: Interval;
  /** Held-out outcomes compared. */
  outcomes: number;
}

export interface GuardOptions {
  /** Bootstrap resamples. Default 1,000. */
  resamples?: number;
  /** Two-sided confidence of the intervals. Default 0.95. */
  confidence?: number;
  /** Seed of the resampling, so a verdict is reproducible. Default 1. */
  seed?: number;
  /** Fewer judged outcomes than this: no verdict but "not enough evidence". Default 50. */
  minimumOutcomes?: number;
}

/**
 * The promotion guard: a challenger replaces the champion only when, on outcomes neither was
 * trained on, its APGR is higher beyond the bootstrap confidence interval (the interval of the
 * difference lies above 0) and its cost at 95% of strong quality is not higher beyond it. Rows are
 * resampled together, so both routers are judged on the same prompts in every resample.
 *
 * @example
 * const verdict = guardPromotion(judged, { resamples: 1000 });
 * if (verdict.promote) await registry.promote(version);
 */
export function guardPromotion(outcomes: readonly JudgedOutcome[], options: GuardOptions = {}): PromotionVerdict {
  const minimum = options.minimumOutcomes ?? 50;
  const champion = figures(outcomes, 'champion');
  const challenger = figures(outcomes, 'challenger');
  const pointApgr = challenger.apgr - champion.apgr;
  const pointCost = challenger.costAt95 - champion.costAt95;
  if (outcomes.length < minimum) {
    return { promote: false, reason: `Kept the champion: not enough evidence, ${outcomes.length} outcomes that score both models and that neither router trained on; at least ${minimum} needed.`, champion, challenger, apgrDifference: { estimate: pointApgr, low: -Infinity, high: Infinity }, costDifference: { estimate: pointCost, low: -Infinity, high: Infinity }, outcomes: outcomes.length };
  }
  const resamples = options.resamples ?? 1_000;
  const random = seededRandom(options.seed ?? 1);
  const apgr: number[] = [];
  const cost: number[] = [];
  const sample: JudgedOutcome[] = new Array(outcomes.length);
  for (let round = 0; round < resamples; round++) {
    for (let index = 0; index < outcomes.length; index++) sample[index] = outcomes[Math.floor(random() * outcomes.length)]!;
    const a = figures(sample, 'challenger');
    const b = figures(sample, 'champion');
    apgr.push(a.apgr - b.apgr);
    cost.push(a.costAt95 - b.costAt95);
  }
  const tail = (1 - (options.confidence ?? 0.95)) / 2;
  const apgrDifference = { estimate: pointApgr, ...interval(apgr, tail) };
  const costDifference = { estimate: pointCost, ...interval(cost, tail) };
  const better = apgrDifference.low > 0;
  const dearer = costDifference.low > 0;
  const percent = `${Math.round((options.confidence ?? 0.95) * 100)}%`;
  const reason = !better
    ? `Kept the champion: the challenger's APGR is ${signed(pointApgr)} (${percent} interval ${signed(apgrDifference.low)} to ${signed(apgrDifference.high)}), not better beyond the interval.`
    : dearer
      ? `Kept the champion: the challenger's APGR is higher (${signed(pointApgr)}) but its cost at 95% of strong quality is higher beyond the interval (${signed(costDifference.low)} to ${signed(costDifference.high)}).`
      : `Promote: the challenger's APGR is higher by ${signed(pointApgr)} (${percent} interval ${signed(apgrDifference.low)} to ${signed(apgrDifference.high)}); cost at 95% of strong quality ${signed(pointCost)}.`;
  return { promote: better && !dearer, reason, champion, challenger, apgrDifference, costDifference, outcomes: outcomes.length };
}

/** A router's APGR and cost at 95% of strong quality on these outcomes. */
export function figures(outcomes: readonly JudgedOutcome[], which: 'champion' | 'challenger'): RouterFigures {
  const pairs: PairOutcome[] = outcomes.map((outcome) => ({ score: outcome[which], strong: outcome.strong, weak: outcome.weak }));
  const metrics = pairMetrics(pairs);
  let strongCost = 0;
  let weakCost = 0;
  for (const outcome of outcomes) {
    strongCost += outcome.strongCost;
    weakCost += outcome.weakCost;
  }
  const share = metrics.shareAt95;
  const costAt95 = strongCost <= 0 ? share : (share * strongCost + (1 - share) * weakCost) / strongCost;
  return { apgr: metrics.apgr, costAt95 };
}

function interval(values: number[], tail: number): { low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(quantile * sorted.length)))]!;
  return { low: at(tail), high: at(1 - tail) };
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
}
