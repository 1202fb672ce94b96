import { InvalidRequestError } from '../errors.js';
import { PromptFeaturizer, standardiseStatistics, type SparseFeatures } from './prompt-features.js';
import type { QualityScorer } from './quality-scorer.js';
import { decodeWeights, parseRouterFile, type RouterFile } from './router-file.js';

/**
 * A learned scorer: one logistic regression per model on hashed word and character n-grams plus prompt
 * statistics, loaded from a router file (shipped, or written by `routekit train`).
 *
 * @example
 * const scorer = new LinearScorer(routerFile);
 * scorer.strongWinProbability('Prove that there are infinitely many primes.');
 */
export class LinearScorer implements QualityScorer {
  readonly name: string;
  readonly models: readonly string[];
  readonly file: RouterFile;
  readonly defaultThreshold: number;
  readonly #featurizer: PromptFeaturizer;
  readonly #weights: Float32Array[];
  readonly #strongIndex: number;
  readonly #weakIndex: number;
  readonly #means: Float64Array;

  constructor(file: unknown) {
    this.file = parseRouterFile(file);
    this.name = this.file.name;
    this.models = this.file.models;
    this.#featurizer = new PromptFeaturizer(this.file.featurizer);
    this.#weights = this.models.map((model) => decodeWeights(this.file.weights[model]!, this.#featurizer.dimension));
    this.#strongIndex = this.file.strong === undefined ? -1 : this.models.indexOf(this.file.strong);
    this.#weakIndex = this.file.weak === undefined ? -1 : this.models.indexOf(this.file.weak);
    this.defaultThreshold = this.file.defaultThreshold ?? 0.5;
    this.#means = Float64Array.from(this.models, (model) => this.file.meanQuality[model] ?? 0.5);
  }

  predict(text: string): Float64Array {
    return this.#predictFeatures(this.#featurizer.extract(text));
  }

  /**
   * Predictions from features extracted without standardisation by a featurizer with this file's
   * options (as outcomes store them), so a router can be judged on prompts whose text is not kept.
   */
  predictRawFeatures(raw: SparseFeatures): Float64Array {
    const { standardise } = this.file.featurizer;
    return this.#predictFeatures(standardise === undefined ? raw : standardiseStatistics(raw, standardise));
  }

  /** The strong-win probability from raw features (see `predictRawFeatures`). */
  strongWinProbabilityOfFeatures(raw: SparseFeatures): number {
    this.#assertPair();
    return this.#strongWin(this.predictRawFeatures(raw));
  }

  #predictFeatures({ indices, values }: SparseFeatures): Float64Array {
    const predictions = new Float64Array(this.#weights.length);
    for (let model = 0; model < this.#weights.length; model++) {
      const weights = this.#weights[model]!;
      let sum = 0;
      for (let slot = 0; slot < indices.length; slot++) sum += weights[indices[slot]!]! * values[slot]!;
      const mean = this.#means[model]!;
      predictions[model] = mean + this.file.shrinkage * (1 / (1 + Math.exp(-sum)) - mean);
    }
    return predictions;
  }

  strongWinProbability(text: string): number {
    this.#assertPair();
    return this.#strongWin(this.predict(text));
  }

  #assertPair(): void {
    if (this.#strongIndex < 0 || this.#weakIndex < 0) {
      throw new InvalidRequestError(`The router "${this.name}" has no strong/weak pair; use it with router@… instead.`, { code: 'router_unavailable', param: 'model' });
    }
  }

  #strongWin(predictions: Float64Array): number {
    return (1 + predictions[this.#strongIndex]! - predictions[this.#weakIndex]!) / 2;
  }
}
