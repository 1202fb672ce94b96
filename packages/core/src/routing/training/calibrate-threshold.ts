/**
 * The threshold that sends `share` of these prompts to the strong model: the smallest probability
 * among the top `share` of them (RouteLLM's --strong-model-pct calibration).
 *
 * @example
 * thresholdForStrongShare([0.9, 0.7, 0.4, 0.1], 0.5); // 0.7
 */
export function thresholdForStrongShare(probabilities: readonly number[], share: number): number {
  if (probabilities.length === 0) return 0.5;
  if (share <= 0) return Math.min(1, Math.max(...probabilities) + 1e-9);
  const sorted = [...probabilities].sort((a, b) => b - a);
  const count = Math.max(1, Math.min(sorted.length, Math.round(share * sorted.length)));
  return sorted[count - 1]!;
}

/** The share of prompts a threshold sends to the strong model. */
export function strongShareAt(probabilities: readonly number[], threshold: number): number {
  if (probabilities.length === 0) return 0;
  let strong = 0;
  for (const probability of probabilities) if (probability >= threshold) strong++;
  return strong / probabilities.length;
}

/** The shares calibrated into a router file, so `routekit calibrate` can answer without data. */
export const calibratedShares = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;
