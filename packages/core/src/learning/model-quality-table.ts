import type { ModelInfo } from '../catalog/model-info.js';
import { ConfigurationError } from '../errors.js';
import type { PromptQuality } from '../routing/prompt-quality.js';
import type { StoredOutcome } from './outcome.js';
import { categoryOfCell, defaultBandEdges, difficultyBand, promptCategory, promptCategoryOfFeatures, promptCell } from './prompt-cell.js';

/**
 * How many outcomes of a model weigh as much as the shipped prior: `estimate = prior + n / (n + k) *
 * (category mean - prior) + m / (m + k) * (band mean - category mean)`, n and m its scores there.
 * Chosen by measurement on RouterBench (docs/learning.md): 30 learned fastest by 300 outcomes and
 * ended as well as any by 3,000, and one unlucky answer (a 0 score) moves a model by about 3%, two by
 * about 6%, inside `auto`'s 15% tolerance, while 30 consistent ones move it halfway.
 */
export const defaultPriorStrength = 30;

export interface ModelQualityOptions {
  /** `k`: a cell's n outcomes of a model weigh n / (n + k) against the prior. Default `defaultPriorStrength`. */
  priorStrength?: number;
  /** Where strong-win probabilities are cut into difficulty bands, ascending. Default `defaultBandEdges`. */
  bandEdges?: readonly number[];
}

/** What a cell knows of one model: how many scores, and their mean. */
export interface CellEvidence {
  count: number;
  mean: number;
}

/**
 * Per-model quality for a deployment's traffic, learned from its outcomes: for each cell (prompt
 * category and difficulty band, see `prompt-cell.ts`) and each model scored there, the number and
 * mean of its scores. `auto` blends it with the shipped prior; it never trains on the request path.
 *
 * @example
 * const table = learnModelQuality(await outcomes.scored({ limit: 10_000 }), { version: 1 });
 * const quality = table.blend(prior, table.cellOf(text, strongWinProbability));
 */
export class ModelQualityTable {
  readonly version: number;
  /** How many outcomes the table learned from. */
  readonly outcomes: number;
  readonly priorStrength: number;
  readonly bandEdges: readonly number[];
  readonly #cells: ReadonlyMap<string, ReadonlyMap<string, CellEvidence>>;

  constructor(cells: ReadonlyMap<string, ReadonlyMap<string, CellEvidence>>, options: ModelQualityOptions & { version: number; outcomes: number }) {
    this.#cells = cells;
    this.version = options.version;
    this.outcomes = options.outcomes;
    this.priorStrength = options.priorStrength ?? defaultPriorStrength;
    this.bandEdges = options.bandEdges ?? defaultBandEdges;
  }

  /** The cell of a prompt, from its text and the `default` router's strong-win probability for it. */
  cellOf(text: string, strongWinProbability: number): string {
    return promptCell(promptCategory(text), difficultyBand(strongWinProbability, this.bandEdges));
  }

  /** What a cell (`choice/1`) or a whole category (`choice`) knows of a model (by catalog id), or undefined. */
  evidence(cell: string, model: string): CellEvidence | undefined {
    return this.#cells.get(cell)?.get(model);
  }

  /** The cells and categories with evidence, each with its models' evidence. */
  cells(): [string, ReadonlyMap<string, CellEvidence>][] {
    return [...this.#cells.entries()];
  }

  /**
   * The prior moved toward what was observed, model by model: toward the model's mean over the
   * prompt's whole category (all bands) by `n / (n + k)`, n its scores there; then by the band's own
   * difference from that category mean, weighted the same way by the band's scores. Each score counts
   * once: evidence all in one band moves a model only as far as the category step does. A band with
   * few outcomes follows its category (measured: bands alone learn slower, the category alone ends
   * lower), a model without evidence keeps its prior, so little evidence stays near what `auto`
   * predicts today. Two Map lookups per model.
   */
  blend(prior: PromptQuality, cell: string): PromptQuality {
    const band = this.#cells.get(cell);
    const category = this.#cells.get(categoryOfCell(cell));
    if (category === undefined) return prior;
    const strength = this.priorStrength;
    const weight = (seen: CellEvidence) => seen.count / (seen.count + strength);
    return (model: ModelInfo) => {
      const before = prior(model);
      const overall = category.get(model.id);
      if (overall === undefined) return before;
      const inBand = band?.get(model.id);
      return before + weight(overall) * (overall.mean - before) + (inBand === undefined ? 0 : weight(inBand) * (inBand.mean - overall.mean));
    };
  }
}

/**
 * Builds the table from scored outcomes: each score of each model counts in the cell of its prompt
 * (the category read from the stored features, the band from the stored `routed_score`). Outcomes
 * without features (an explicit model, learning off then) or with a score outside 0..1 are skipped.
 */
export function learnModelQuality(outcomes: readonly StoredOutcome[], options: ModelQualityOptions & { version: number }): ModelQualityTable {
  const priorStrength = options.priorStrength ?? defaultPriorStrength;
  const bandEdges = options.bandEdges ?? defaultBandEdges;
  if (!(Number.isFinite(priorStrength) && priorStrength > 0)) throw new ConfigurationError('learning.quality.priorStrength must be a number above 0.', { key: 'learning.quality.priorStrength' });
  if (bandEdges.some((edge, index) => !(edge > 0 && edge < 1) || (index > 0 && edge <= bandEdges[index - 1]!))) {
    throw new ConfigurationError('learning.quality.bandEdges must be ascending numbers between 0 and 1.', { key: 'learning.quality.bandEdges' });
  }
  const sums = new Map<string, Map<string, { count: number; total: number }>>();
  let used = 0;
  for (const outcome of outcomes) {
    if (outcome.features === null || outcome.featurizer === null || outcome.routed_score === null || !Number.isFinite(outcome.routed_score)) continue;
    const category = promptCategoryOfFeatures(outcome.features, outcome.featurizer);
    if (category === undefined) continue;
    const cell = promptCell(category, difficultyBand(outcome.routed_score, bandEdges));
    let counted = false;
    for (const [model, score] of Object.entries(outcome.scores)) {
      if (!(typeof score === 'number' && score >= 0 && score <= 1)) continue;
      // Each score counts in its band's cell and in its category's, which the bands borrow from.
      for (const key of [cell, category]) {
        let models = sums.get(key);
        if (models === undefined) sums.set(key, (models = new Map()));
        const sum = models.get(model) ?? { count: 0, total: 0 };
        models.set(model, { count: sum.count + 1, total: sum.total + score });
      }
      counted = true;
    }
    if (counted) used++;
  }
  const cells = new Map<string, Map<string, CellEvidence>>();
  for (const [cell, models] of sums) cells.set(cell, new Map([...models].map(([model, sum]) => [model, { count: sum.count, mean: sum.total / sum.count }])));
  return new ModelQualityTable(cells, { version: options.version, outcomes: used, priorStrength, bandEdges });
}
