/**
 * Costs mapped to 0..1 on a log scale between the cheapest and the dearest candidate. Prices span three
 * orders of magnitude, so dividing by the largest would make every cheap model look free and let
 * `router@…|c:…` weights bite only near the top; on a log scale each tenfold saving counts the same.
 */
export function costPenalties(costs: ArrayLike<number>): Float64Array {
  const floor = 1e-9;
  let low = Infinity;
  let high = 0;
  for (let index = 0; index < costs.length; index++) {
    const cost = Math.max(costs[index]!, floor);
    low = Math.min(low, cost);
    high = Math.max(high, cost);
  }
  const span = Math.log(high / low);
  const penalties = new Float64Array(costs.length);
  if (!(span > 0)) return penalties;
  for (let index = 0; index < costs.length; index++) penalties[index] = Math.log(Math.max(costs[index]!, floor) / low) / span;
  return penalties;
}
