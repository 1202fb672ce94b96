import type { ModelInfo } from '../catalog/model-info.js';
import type { PromptQuality } from './prompt-quality.js';

/**
 * The strong-minus-weak quality gap a strong-win probability of 0.5505 stands for: the shipped `lr`
 * scorer's median on its calibration prompts, where GPT-4-1106 and Mixtral were 0.810 and 0.680
 * (a 0.13 gap). A prompt's own gap is `2p - 1` by the definition of the strong-win probability.
 */
export const typicalQualityGap = 0.13;

/**
 * How strongly a prompt's predicted gap spreads the models apart: the distance below the best tier
 * is multiplied by (gap / typical gap) to this power. A setting, chosen so that a greeting (gap 0.10)
 * shrinks the spread to 0.6 of the catalog's and a proof request (gap 0.29) widens it fivefold; its
 * effect on quality and cost is measured in docs/routing.md.
 */
export const spreadExponent = 2;

/**
 * Predicted quality of each catalog model for one prompt, from the prompt's strong-win probability:
 * every model's distance below the best tier is scaled by how much wider (hard prompt) or narrower
 * (easy prompt) this prompt's predicted gap is than the typical one. "Hello!" brings every model
 * close to the best; a proof pushes the weak ones far below it. Ordering by tier is kept, so the
 * prediction only moves thresholds (`min_quality_score`, the tolerance of `auto`).
 *
 * @example
 * const quality = difficultyQuality(0.7, catalog.routable());
 * quality(catalog.get('openai/gpt-4.1-nano')!); // well below its tier
 */
export function difficultyQuality(strongWinProbability: number, models: readonly ModelInfo[]): PromptQuality {
  const best = models.reduce((top, model) => Math.max(top, model.quality), 0);
  const gap = Math.max(0, 2 * strongWinProbability - 1);
  const scale = (gap / typicalQualityGap) ** spreadExponent;
  return (model) => Math.min(1, Math.max(0, best - (best - model.quality) * scale));
}
