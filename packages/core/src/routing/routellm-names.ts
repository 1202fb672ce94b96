/** RouteLLM's router names, accepted in `router-<name>-<threshold>` so copied model strings work. */
export const routeLLMRouterNames = ['mf', 'bert', 'causal_llm', 'sw_ranking'] as const;

/**
 * RouteLLM's published calibration points: threshold to the share of strong-model calls on its
 * Chatbot Arena calibration set. The seed documents one, `router-mf-0.11593` = 50% strong calls
 * (`calibrate_threshold --routers mf --strong-model-pct 0.5`). For the other routers no point is
 * published here, so their threshold is read as the strong share's complement (0.3 = 70% strong).
 */
const publishedPoints: ReadonlyMap<string, ReadonlyArray<readonly [threshold: number, strongShare: number]>> = new Map([['mf', [[0.11593, 0.5]] as const]]);

export function isRouteLLMName(name: string): boolean {
  return (routeLLMRouterNames as readonly string[]).includes(name);
}

/**
 * The strong-call share a RouteLLM threshold stood for: linear between (0, all strong), the published
 * points and (1, none strong). routekit maps the name to its own router at the threshold giving the
 * same share on its calibration prompts.
 *
 * @example
 * routeLLMStrongShare('mf', 0.11593); // 0.5
 */
export function routeLLMStrongShare(name: string, threshold: number): number {
  const points: Array<readonly [number, number]> = [[0, 1], ...(publishedPoints.get(name) ?? []), [1, 0]];
  for (let index = 1; index < points.length; index++) {
    const [upperThreshold, upperShare] = points[index]!;
    if (threshold <= upperThreshold) {
      const [lowerThreshold, lowerShare] = points[index - 1]!;
      const position = (threshold - lowerThreshold) / (upperThreshold - lowerThreshold);
      return lowerShare + position * (upperShare - lowerShare);
    }
  }
  return 0;
}

/**
 * The RouteLLM threshold that stood for a strong-call share: the inverse of `routeLLMStrongShare`,
 * what `calibrate_threshold --routers <name> --strong-model-pct <share>` prints.
 *
 * @example
 * routeLLMThreshold('mf', 0.5); // 0.11593
 */
export function routeLLMThreshold(name: string, share: number): number {
  const points: Array<readonly [number, number]> = [[0, 1], ...(publishedPoints.get(name) ?? []), [1, 0]];
  for (let index = 1; index < points.length; index++) {
    const [upperThreshold, lowerShare] = points[index]!;
    const [lowerThreshold, upperShare] = points[index - 1]!;
    if (share >= lowerShare) return lowerThreshold + ((upperShare - share) / (upperShare - lowerShare)) * (upperThreshold - lowerThreshold);
  }
  return 1;
}

/**
 * The threshold giving `share` strong calls, from a router file's calibration table (share to
 * threshold), interpolated between its points and held flat beyond them.
 */
export function thresholdAtShare(table: Readonly<Record<string, number>>, share: number): number {
  const points = Object.entries(table).map(([key, threshold]) => [Number(key), threshold] as const).sort((a, b) => a[0] - b[0]);
  if (points.length === 0) return 0.5;
  if (share <= points[0]![0]) return points[0]![1];
  for (let index = 1; index < points.length; index++) {
    const [upperShare, upperThreshold] = points[index]!;
    if (share <= upperShare) {
      const [lowerShare, lowerThreshold] = points[index - 1]!;
      return lowerThreshold + ((share - lowerShare) / (upperShare - lowerShare)) * (upperThreshold - lowerThreshold);
    }
  }
  return points[points.length - 1]![1];
}
