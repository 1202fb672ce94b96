import type { QualityScorer } from './quality-scorer.js';
import { isExamStyle } from './prompt-type.js';

export interface GatedScorerOptions {
  /** The name used in `router-<name>-<threshold>`. */
  name: string;
  /**
   * The scorer for exam-style prompts (answer choices, word problems), or a function giving it: then
   * it is built on the first exam-style prompt (or the first read of `models`), so a gateway serving
   * open chat never loads its weights.
   */
  exam: QualityScorer | (() => QualityScorer);
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
 * const scorer = new GatedScorer({ name: 'default', exam: shippedStrongWeakScorer, chat: new ComplexityScorer() });
 */
export class GatedScorer implements QualityScorer {
  readonly name: string;
  readonly #options: GatedScorerOptions;
  readonly #isExam: (text: string) => boolean;
  #exam: QualityScorer | undefined;

  constructor(options: GatedScorerOptions) {
    this.#options = options;
    this.name = options.name;
    this.#isExam = options.isExam ?? isExamStyle;
  }

  /** The exam scorer's models: a threshold on the strong-win scale picks between its pair. */
  get models(): readonly string[] {
    return this.#examScorer().models;
  }

  get defaultThreshold(): number {
    return this.#examScorer().defaultThreshold;
  }

  /** The scorer that answers for this text. */
  branch(text: string): QualityScorer {
    return this.#isExam(text) ? this.#examScorer() : this.#options.chat;
  }

  #examScorer(): QualityScorer {
    const { exam } = this.#options;
    this.#exam ??= typeof exam === 'function' ? exam() : exam;
    return this.#exam;
  }

  predict(text: string): Float64Array {
    return this.branch(text).predict(text);
  }

  strongWinProbability(text: string): number {
    return this.branch(text).strongWinProbability(text);
  }
}
