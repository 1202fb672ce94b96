import { promptStatistics } from './prompt-statistics.js';
import type { QualityScorer } from './quality-scorer.js';

const reasoningCues = /\b(step[- ]by[- ]step|prove|proof|derive|explain why|analy[sz]e|compare|evaluate|justify|trade-?offs?|implications?|optimi[sz]e|design|architecture|algorithm|complexity)\b/gi;
const mathCues = /\b(solve|calculate|compute|equation|integral|derivative|probability|how many|how much|percent|ratio|sum of|product of)\b|[=^√∫∑]|\\frac|\d\s*[-+*/×÷]\s*\d/gi;
const codeCues = /```|\b(def|class|function|return|import|SELECT|const|let|var|public|void|#include)\b|=>|\{\s*$/gm;
const constraintCues = /\b(must|exactly|at least|at most|no more than|format|json|bullet|table|words|characters|without|only|do not|don't)\b/gi;

/** The cue weights of the complexity score, before the logistic squash; set by hand, not trained. */
const weights = { bias: -2.2, length: 1.6, reasoning: 0.45, math: 0.3, code: 0.6, constraints: 0.15, nonAscii: 0.8, lines: 0.6, numbers: 1.2 };

/**
 * The cold-start scorer: no training, a hand-weighted difficulty from prompt length, reasoning, maths
 * and code cues, explicit constraints and non-English text. Use it until there is data to train on;
 * the learned scorers beat it (see docs/routing.md).
 *
 * @example
 * const scorer = new ComplexityScorer();
 * scorer.strongWinProbability('hi'); // low
 */
export class ComplexityScorer implements QualityScorer {
  readonly name = 'complexity';
  readonly models = ['strong', 'weak'] as const;
  readonly defaultThreshold = 0.5;

  /** A difficulty in 0..1: higher means a cheap model is more likely to fail. */
  difficulty(text: string): number {
    const statistics = promptStatistics(text);
    const count = (pattern: RegExp) => Math.min(text.match(pattern)?.length ?? 0, 8);
    const logit =
      weights.bias +
      weights.length * statistics[1]! +
      weights.reasoning * count(reasoningCues) +
      weights.math * count(mathCues) +
      weights.code * Math.min(count(codeCues), 3) +
      weights.constraints * count(constraintCues) +
      weights.nonAscii * statistics[12]! +
      weights.lines * statistics[6]! +
      weights.numbers * statistics[10]!;
    return 1 / (1 + Math.exp(-logit));
  }

  predict(text: string): Float64Array {
    const difficulty = this.difficulty(text);
    return Float64Array.of(0.95 - 0.25 * difficulty, 0.9 - 0.6 * difficulty);
  }

  strongWinProbability(text: string): number {
    const [strong, weak] = this.predict(text);
    return (1 + strong! - weak!) / 2;
  }
}
