import type { QualityScorer } from './quality-scorer.js';
import { isExamStyle } from './prompt-type.js';

export interface GatedScorerOptions {
  /** The name used in `router-<name>-<threshold>`. */
  name: string;
  /** The scorer for exam-style prompts (answer choices, word problems). */
  exam: QualityScorer;
  /** The scorer for everything else: open chat, writing, coding, advice. */
  chat: QualityScorer;
  /** Which branch a prompt takes; default `isExamStyle`. */
  isExam?: (text: string) => boolean;
}

/**
 * Two scorers behind a prompt-type detector: each is used only on the kind of prompt where it was
 * measured to work. Both answer on the same strong-win scale, so one threshold serves both.
 *
 * @example
 * const scorer = new GatedScorer({ name: 'default', exam: shippedStrongWeakScorer(), chat: new ComplexityScorer() });
 */
export class GatedScorer implements QualityScorer {
  readonly name: string;
  readonly models: readonly string[];
  readonly defaultThreshold: number;
  readonly #options: GatedScorerOptions;
  readonly #isExam: (text: string) => boolean;

  constructor(options: GatedScorerOptions) {
    this.#options = options;
    this.name = options.name;
    this.models = options.exam.models;
    this.defaultThreshold = options.exam.defaultThreshold;
    this.#isExam = options.isExam ?? isExamStyle;
  }

  /** The scorer that answers for this text. */
  branch(text: string): QualityScorer {
    return this.#isExam(text) ? this.#options.exam : this.#options.chat;
  }

  predict(text: string): Float64Array {
    return this.branch(text).predict(text);
  }

  strongWinProbability(text: string): number {
    return this.branch(text).strongWinProbability(text);
  }
}
