import { promptStatistics, statisticNames, taskStatisticNames, taskStatistics } from './prompt-statistics.js';
import { countLineStartMatches } from './count-line-start-matches.js';

export { promptStatistics, statisticNames, taskStatisticNames, taskStatistics };

/** A sparse feature vector: parallel arrays of indices and values. */
export interface SparseFeatures {
  indices: Int32Array;
  values: Float32Array;
}

export interface PromptFeaturizerOptions {
  /** log2 of the hashed feature space (word and character n-grams share it). Default 16. */
  bits?: number;
  /** Mean and spread of each statistic on the training prompts, so they enter the model standardised. */
  standardise?: { mean: number[]; scale: number[] };
  /** Feature families to leave out, for ablations: 'words', 'tail', 'characters', 'statistics'. */
  without?: FeatureFamily[];
  /**
   * Hash multiple-choice prompts (two or more lettered answer lines) into n-grams of their own, so one
   * weight vector holds a separate model per prompt type: what makes a word problem hard is not what
   * makes a multiple-choice question hard, and a large set of one type would otherwise set the weights
   * of the other. Default false (the version 1 files were trained without it).
   */
  splitByPromptType?: boolean;
  /** Append `taskStatisticNames` to the statistics (word-problem quantities and rates, answer-choice cues). Default false. */
  taskStatistics?: boolean;
}

export type FeatureFamily = 'words' | 'tail' | 'characters' | 'statistics';


const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;
const wordSeed = 0x9e3779b1;
const bigramSeed = 0x85ebca6b;
const charSeed = 0xc2b2ae35;
const tailSeed = 0x27d4eb2f;

/**
 * Turns prompt text into hashed word unigrams and bigrams, character 3- to 5-grams (each family
 * log-scaled and L2-normalised, so long prompts do not dominate) and a few prompt statistics.
 * Local and allocation-light: one pass over the text, reusable buffers, no tokenizer download.
 *
 * @example
 * const featurizer = new PromptFeaturizer({ bits: 16 });
 * const { indices, values } = featurizer.extract('What is 17 * 23?');
 */
export class PromptFeaturizer {
  readonly bits: number;
  /** Total dimension: the hashed space plus the statistics (twice, one block per prompt type, when split). */
  readonly dimension: number;
  /** How many statistics follow the hashed features of each prompt. */
  readonly statisticCount: number;
  readonly #mask: number;
  readonly #standardise: { mean: number[]; scale: number[] } | undefined;
  readonly #without: ReadonlySet<FeatureFamily>;
  readonly #splitByPromptType: boolean;
  readonly #taskStatistics: boolean;
  readonly #counts: Float32Array;
  readonly #touched: Int32Array;
  #codes = new Uint16Array(4096);

  constructor(options: PromptFeaturizerOptions = {}) {
    this.bits = options.bits ?? 16;
    this.#mask = (1 << this.bits) - 1;
    this.#standardise = options.standardise;
    this.#without = new Set(options.without ?? []);
    this.#splitByPromptType = options.splitByPromptType ?? false;
    this.#taskStatistics = options.taskStatistics ?? false;
    this.statisticCount = statisticNames.length + (this.#taskStatistics ? taskStatisticNames.length : 0);
    this.dimension = (1 << this.bits) + this.statisticCount * (this.#splitByPromptType ? 2 : 1);
    this.#counts = new Float32Array(1 << this.bits);
    this.#touched = new Int32Array(1 << this.bits);
  }

  extract(text: string): SparseFeatures {
    const length = this.#normalise(text);
    const codes = this.#codes;
    const counts = this.#counts;
    const touched = this.#touched;
    const mask = this.#mask;
    let touchedCount = 0;
    // One extra multiply per n-gram moves a multiple-choice prompt's n-grams to other slots.
    const salt = this.#splitByPromptType && isMultipleChoice(text) ? promptTypeSalt : 0;
    const add = (hash: number) => {
      const index = (salt === 0 ? hash : Math.imul(hash ^ salt, fnvPrime)) & mask;
      if (counts[index] === 0) touched[touchedCount++] = index;
      counts[index]! += 1;
    };

    // Words: runs of letters and digits; bigrams join consecutive words.
    let wordHash = wordSeed;
    let previousWord = 0;
    let inWord = false;
    for (let position = this.#without.has('words') ? length + 1 : 0; position <= length; position++) {
      const code = position < length ? codes[position]! : 32;
      if (isWordCode(code)) {
        wordHash = Math.imul(wordHash ^ code, fnvPrime);
        inWord = true;
      } else if (inWord) {
        add(wordHash);
        if (previousWord !== 0) add(Math.imul(previousWord ^ bigramSeed, fnvPrime) ^ wordHash);
        previousWord = wordHash;
        wordHash = wordSeed;
        inWord = false;
      }
    }
    const wordEnd = touchedCount;

    // The last paragraph again, as its own family: in few-shot prompts the question that differs sits
    // at the end, and its words would otherwise be drowned by the shared examples in the normalisation.
    let tailHash = tailSeed;
    previousWord = 0;
    inWord = false;
    for (let position = this.#without.has('tail') ? text.length + 1 : tailStart(text); position <= text.length; position++) {
      let code = position < text.length ? text.charCodeAt(position) : 32;
      if (code >= 65 && code <= 90) code += 32;
      if (isWordCode(code)) {
        tailHash = Math.imul(tailHash ^ code, fnvPrime);
        inWord = true;
      } else if (inWord) {
        add(tailHash);
        if (previousWord !== 0) add(Math.imul(previousWord ^ bigramSeed, fnvPrime) ^ tailHash);
        previousWord = tailHash;
        tailHash = tailSeed;
        inWord = false;
      }
    }
    const tailEnd = touchedCount;

    for (let position = this.#without.has('characters') ? length : 0; position + 3 <= length; position++) {
      let hash = Math.imul(charSeed ^ codes[position]!, fnvPrime);
      hash = Math.imul(hash ^ codes[position + 1]!, fnvPrime);
      hash = Math.imul(hash ^ codes[position + 2]!, fnvPrime);
      add(hash);
      if (position + 4 <= length) {
        hash = Math.imul(hash ^ codes[position + 3]!, fnvPrime);
        add(hash ^ 0x4);
        if (position + 5 <= length) add(Math.imul(hash ^ codes[position + 4]!, fnvPrime) ^ 0x5);
      }
    }

    const statistics = promptStatistics(text);
    if (this.#taskStatistics) statistics.push(...taskStatistics(text));
    if (this.#without.has('statistics')) statistics.fill(0, 1);
    const standardise = this.#standardise;
    if (standardise !== undefined) for (let index = 1; index < statistics.length; index++) statistics[index] = standardised(statistics[index]!, standardise.mean[index]!, standardise.scale[index]!);
    const indices = new Int32Array(touchedCount + statistics.length);
    const values = new Float32Array(touchedCount + statistics.length);
    // Each family is normalised apart; a hash shared by two counts in the first.
    for (const [start, end] of [[0, wordEnd], [wordEnd, tailEnd], [tailEnd, touchedCount]] as const) {
      let norm = 0;
      for (let slot = start; slot < end; slot++) {
        const value = Math.log1p(counts[touched[slot]!]!);
        values[slot] = value;
        norm += value * value;
      }
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let slot = start; slot < end; slot++) {
        indices[slot] = touched[slot]!;
        values[slot]! *= scale;
        counts[touched[slot]!] = 0;
      }
    }
    // Split prompts get a statistics block (and bias) per type, so each type has a model of its own.
    const base = (1 << this.bits) + (salt === 0 ? 0 : this.statisticCount);
    for (let index = 0; index < statistics.length; index++) {
      indices[touchedCount + index] = base + index;
      values[touchedCount + index] = statistics[index]!;
    }
    return { indices, values };
  }

  /** Lower-cases into the code buffer and collapses whitespace runs to one space. */
  #normalise(text: string): number {
    if (this.#codes.length < text.length) this.#codes = new Uint16Array(text.length * 2);
    const codes = this.#codes;
    let length = 0;
    let space = true;
    for (let position = 0; position < text.length; position++) {
      let code = text.charCodeAt(position);
      if (code === 32 || code === 10 || code === 9 || code === 13) {
        if (space) continue;
        space = true;
        codes[length++] = 32;
        continue;
      }
      space = false;
      if (code >= 65 && code <= 90) code += 32;
      codes[length++] = code;
    }
    return length;
  }
}

const promptTypeSalt = 0x165667b1;
/** A lettered answer choice at a line's start, for `countLineStartMatches`. */
const choiceLine = /[ \t]*\(?[A-Ha-h][.)][ \t]/y;

/** Whether a prompt lists two or more lettered answer choices, one a line ("A. …", "(b) …"). */
export function isMultipleChoice(text: string): boolean {
  return countLineStartMatches(text, choiceLine, 2) === 2;
}

/** Where the last paragraph of at least 40 characters starts (0 when there is one paragraph). */
export function tailStart(text: string): number {
  let end = text.length;
  while (end > 0) {
    const start = text.lastIndexOf('\n\n', end - 1);
    if (start < 0) return 0;
    if (text.slice(start, end).trim().length >= 40) return start + 2;
    end = start;
  }
  return 0;
}

function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code > 127;
}

/** Mean and spread of each statistic over training prompts, for `PromptFeaturizerOptions.standardise`. */
export function statisticsSpread(texts: readonly string[]): { mean: number[]; scale: number[] } {
  const rows = texts.map(promptStatistics);
  const mean = statisticNames.map((_, index) => rows.reduce((sum, row) => sum + row[index]!, 0) / Math.max(rows.length, 1));
  const scale = statisticNames.map((_, index) => {
    const variance = rows.reduce((sum, row) => sum + (row[index]! - mean[index]!) ** 2, 0) / Math.max(rows.length, 1);
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean: mean.map((value, index) => (index === 0 ? 0 : value)), scale: scale.map((value, index) => (index === 0 ? 1 : value)) };
}

/** A copy of raw features (extracted without `standardise`) with the trailing statistics standardised. */
export function standardiseStatistics(features: SparseFeatures, spread: { mean: number[]; scale: number[] }): SparseFeatures {
  const values = features.values.slice();
  const count = spread.mean.length;
  const start = values.length - count;
  for (let index = 1; index < count; index++) values[start + index] = standardised(values[start + index]!, spread.mean[index]!, spread.scale[index]!);
  return { indices: features.indices, values };
}

/** A standardised statistic, clipped so one unusual prompt cannot swamp the n-gram evidence. */
function standardised(value: number, mean: number, scale: number): number {
  return Math.max(-5, Math.min(5, (value - mean) / scale));
}
