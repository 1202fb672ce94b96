import type { ModelInfo } from '../catalog/model-info.js';
import type { LinearScorer } from './linear-scorer.js';

/** Predicted quality of catalog models for one prompt. */
export type PromptQuality = (model: ModelInfo) => number;

const logit = (value: number) => {
  const clamped = Math.min(Math.max(value, 1e-4), 1 - 1e-4);
  return Math.log(clamped / (1 - clamped));
};
const squash = (value: number) => 1 / (1 + Math.exp(-value));

/**
 * Learned quality for catalog models, on the catalog's scale: each model's catalog tier shifted (in
 * logit space) by how much easier or harder the scorer finds this prompt than its average training
 * prompt. A catalog model the router file maps to one of its data-set models gets that model's own
 * shift; the others get the mean shift over the data-set models, a prompt difficulty.
 */
export function promptQuality(scorer: LinearScorer, text: string): PromptQuality {
  const predictions = scorer.predict(text);
  const { models, meanQuality, catalogModels } = scorer.file;
  const shifts = new Map<string, number>();
  let meanShift = 0;
  models.forEach((model, index) => {
    const shift = logit(predictions[index]!) - logit(meanQuality[model] ?? 0.5);
    shifts.set(model, shift);
    meanShift += shift / models.length;
  });
  const byCatalogId = new Map<string, number>();
  for (const [dataModel, catalogId] of Object.entries(catalogModels)) {
    const shift = shifts.get(dataModel);
    if (shift !== undefined) byCatalogId.set(catalogId, shift);
  }
  return (model) => squash(logit(model.quality) + (byCatalogId.get(model.id) ?? meanShift));
}
