import type { ModelInfo } from '../catalog/model-info.js';
import { ConfigurationError } from '../errors.js';
import type { PromptQuality } from '../routing/prompt-quality.js';
import type { StoredOutcome } from './outcome.js';
import { defaultBandEdges, difficultyBand, promptCategory, promptCategoryOfFeatures, promptCell } from './prompt-cell.js';

/**
 * How many outcomes of a model in a cell weigh as much as the shipped prior: the estimate is
 * `prior + n / (n + k) * (observed mean - prior)`. Chosen by measurement on RouterBench (docs/learning.md):
 * from 5 to 40 the learned curve moves little; 10 keeps one unlucky answer (of 0/1 scores) from moving
 * a cell by more than 0.09 while 30 consistent ones move it three quarters of the way.
 */
export const defaultPriorStrength = 10;

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

  /** What the cell knows of a model (by catalog id), or undefined. */
  evidence(cell: string, model: string): CellEvidence | undefined {
    return this.#cells.get(cell)?.get(model);
  }

  /** The cells with evidence, each with its models' evidence (for `routekit` output and tests). */
  cells(): [string, ReadonlyMap<string, CellEvidence>][] {
    return [...this.#cells.entries()];
  }

  /**
   * The prior moved toward what this cell observed, model by model: with n scores of a model here,
   * `prior + n / (n + k) * (mean - prior)`. A model without evidence keeps its prior, so a cell with
   * little evidence stays near what `auto` predicts today. One Map lookup per model.
   */
  blend(prior: PromptQuality, cell: string): PromptQuality {
    const models = this.#cells.get(cell);
    if (models === undefined) return prior;
    const strength = this.priorStrength;
    return (model: ModelInfo) => {
      const before = prior(model);
      const seen = models.get(model.id);
      return seen === undefined ? before : before + (seen.count / (seen.count + strength)) * (seen.mean - before);
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
      let models = sums.get(cell);
      if (models === undefined) sums.set(cell, (models = new Map()));
      const sum = models.get(model) ?? { count: 0, total: 0 };
      models.set(model, { count: sum.count + 1, total: sum.total + score });
      counted = true;
    }
    if (counted) used++;
  }
  const cells = new Map<string, Map<string, CellEvidence>>();
  for (const [cell, models] of sums) cells.set(cell, new Map([...models].map(([model, sum]) => [model, { count: sum.count, mean: sum.total / sum.count }])));
  return new ModelQualityTable(cells, { version: options.version, outcomes: used, priorStrength, bandEdges });
}
