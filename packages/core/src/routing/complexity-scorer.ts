import { groupedByFirstLetter } from './grouped-by-first-letter.js';
import type { QualityScorer } from './quality-scorer.js';

const reasoningWords = String.raw`step[- ]by[- ]step|prove|proof|derive|explain why|analy[sz]e|compare|evaluate|justify|trade-?offs?|implications?|optimi[sz]e|design|architecture|algorithm|complexity`;
const mathWords = String.raw`solve|calculate|compute|equation|integral|derivative|probability|how many|how much|percent|ratio|sum of|product of`;
const constraintWords = String.raw`must|exactly|at least|at most|no more than|format|json|bullet|table|words|characters|without|only|do not|don't`;
const reasoningWord = new RegExp(String.raw`^(?:${reasoningWords})$`, 'i');
const mathWord = new RegExp(String.raw`^(?:${mathWords})$`, 'i');
/**
 * The reasoning, maths and constraint cue words in one pass; which list a match belongs to is read
 * off the matched words (the lists share no word). The alternatives are grouped by their first
 * letter, so irregexp tries one small group at a word's start instead of all 44 (a third less time
 * on long prompts). Same matches as `\b(?:reasoning|maths|constraints)\b`: at any position at most
 * one alternative can match up to a word boundary, so their order does not matter.
 */
const cueWords = new RegExp(String.raw`\b(?:${groupedByFirstLetter([reasoningWords, mathWords, constraintWords].join('|'))})\b`, 'gi');

/** Maths written in symbols rather than words. */
const mathSymbols = /[=^√∫∑]|\\frac|\d\s*[-+*/×÷]\s*\d/gi;
/** Code: a fence, a keyword, an arrow or a line ending in a brace (the keywords grouped by first letter, as `cueWords`). */
const codeCues = /```|\b(?:def|c(?:lass|onst)|function|return|import|SELECT|let|v(?:ar|oid)|public|#include)\b|=>|\{\s*$/gm;

const nonAsciiCharacter = /[^\x00-\x7f]/g;
const newline = /\n/g;
const digitRun = /[0-9]+/g;

/**
 * The four prompt statistics the complexity score reads, exactly as `promptStatistics` computes them
 * (log-characters, non-ASCII share, log-lines, log-numbers), from native scans instead of its loop
 * over every character, which cost more than the rest of the score.
 */
export function scoredStatistics(text: string): { logCharacters: number; nonAsciiShare: number; logLines: number; logNumbers: number } {
  const length = text.length;
  return {
    logCharacters: Math.log1p(length) / 10,
    nonAsciiShare: (length === 0 ? 0 : countNonAscii(text) / length) * 5,
    logLines: Math.log1p(1 + countMatches(text, newline)) / 5,
    logNumbers: Math.log1p(countMatches(text, digitRun)) / 4,
  };
}

/**
 * Characters above ASCII (UTF-16 code units, as `promptStatistics` counts them). Most prompts have
 * none, which their UTF-8 length shows at native speed: any such unit takes two or more bytes.
 */
function countNonAscii(text: string): number {
  return Buffer.byteLength(text, 'utf8') === text.length ? 0 : countMatches(text, nonAsciiCharacter);
}

/** How many times a global pattern that never matches the empty string matches, without building the matches. */
function countMatches(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.test(text)) count++;
  return count;
}

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
    let reasoning = 0, math = countMatches(text, mathSymbols), constraints = 0;
    cueWords.lastIndex = 0;
    for (let match = cueWords.exec(text); match !== null; match = cueWords.exec(text)) {
      if (reasoningWord.test(match[0])) reasoning++;
      else if (mathWord.test(match[0])) math++;
      else constraints++;
    }
    const code = countMatches(text, codeCues);
    const statistics = scoredStatistics(text);
    const logit =
      weights.bias +
      weights.length * statistics.logCharacters +
      weights.reasoning * Math.min(reasoning, 8) +
      weights.math * Math.min(math, 8) +
      weights.code * Math.min(code, 3) +
      weights.constraints * Math.min(constraints, 8) +
      weights.nonAscii * statistics.nonAsciiShare +
      weights.lines * statistics.logLines +
      weights.numbers * statistics.logNumbers;
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
