import { isMultipleChoice } from '../routing/prompt-features.js';
import { hasCodeCue, statisticNames, taskStatisticNames } from '../routing/prompt-statistics.js';
import { outcomeFeaturizerKey, outcomeFeaturizerOptions } from './outcome-features.js';

/**
 * The kinds of prompt `auto` learns per-model quality for. Each is what the stored outcome features
 * already record, so every stored outcome (old rows too) has one without a new column: `choice` is a
 * prompt with lettered answer choices (the featurizer hashes those apart), `code` one with a code cue
 * (its `code-cues` statistic), `other` the rest.
 */
export const promptCategories = ['choice', 'code', 'other'] as const;
export type PromptCategory = (typeof promptCategories)[number];

/**
 * Where the `default` router's strong-win probability is cut into difficulty bands. Chosen by
 * measurement (`npm run bench -- routing-learning-auto`): the shipped router's probabilities sit
 * between about 0.5 (a greeting, an easy exam question) and 0.7 (a hard proof), half of its
 * calibration prompts below 0.55; narrower bands split prompts that models answer alike.
 */
export const defaultBandEdges: readonly number[] = [0.55, 0.6, 0.65];

/** The category of a prompt's text: the same answer `promptCategoryOfFeatures` gives for its stored features. */
export function promptCategory(text: string): PromptCategory {
  if (isMultipleChoice(text)) return 'choice';
  return hasCodeCue(text) ? 'code' : 'other';
}

/** The band of a strong-win probability: 0 below the first edge, 1 up to the second, and so on. */
export function difficultyBand(strongWinProbability: number, edges: readonly number[] = defaultBandEdges): number {
  let band = 0;
  while (band < edges.length && strongWinProbability >= edges[band]!) band++;
  return band;
}

/** A cell of the quality table: a prompt category and a difficulty band, e.g. `choice/2`. */
export function promptCell(category: PromptCategory, band: number): string {
  return `${category}/${band}`;
}

/** The category part of a cell (`choice` of `choice/1`). */
export function categoryOfCell(cell: string): string {
  const slash = cell.indexOf('/');
  return slash < 0 ? cell : cell.slice(0, slash);
}

const statisticCount = statisticNames.length + (outcomeFeaturizerOptions.taskStatistics ? taskStatisticNames.length : 0);
const statisticsBase = 1 << outcomeFeaturizerOptions.bits;
const codeCueStatistic = statisticNames.indexOf('code-cues');

/**
 * The category of a stored outcome, read from its encoded features without decoding them all (a
 * prompt's features are about 10 KB; only the statistics at their end are read): the statistics
 * block sits after the choice prompts' offset when the prompt had answer choices, and the
 * `code-cues` statistic is 1 for code. Undefined for another featurizer or damaged features.
 */
export function promptCategoryOfFeatures(encoded: string, featurizer: string): PromptCategory | undefined {
  if (featurizer !== outcomeFeaturizerKey) return undefined;
  try {
    const count = readBytes(encoded, 0, 4).readUInt32LE(0);
    if (count < statisticCount || encoded.length < Math.ceil((4 + count * 8) / 3) * 4) return undefined;
    const firstStatistic = count - statisticCount;
    const base = readBytes(encoded, 4 + firstStatistic * 4, 4).readInt32LE(0);
    if (base !== statisticsBase && base !== statisticsBase + statisticCount) return undefined;
    if (base !== statisticsBase) return 'choice';
    return readBytes(encoded, 4 + count * 4 + (firstStatistic + codeCueStatistic) * 4, 4).readFloatLE(0) >= 0.5 ? 'code' : 'other';
  } catch {
    return undefined;
  }
}

/** `length` bytes at byte `offset` of base64 text, decoding only the characters that hold them. */
function readBytes(encoded: string, offset: number, length: number): Buffer {
  const firstGroup = Math.floor(offset / 3);
  const lastGroup = Math.ceil((offset + length) / 3);
  const bytes = Buffer.from(encoded.slice(firstGroup * 4, lastGroup * 4), 'base64');
  const start = offset - firstGroup * 3;
  if (bytes.length < start + length) throw new RangeError('Stored prompt features are truncated.');
  return bytes.subarray(start, start + length);
}
