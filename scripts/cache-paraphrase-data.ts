// Reads the labelled paraphrase pairs from ../shared/data and splits QQP into a training part and a
// held-out part by a hash of the row id, so every script sees the same split.
import { readFileSync } from 'node:fs';
import { hashString } from '../packages/core/src/cache/text-features.js';
import { requireDataFile } from './require-data-file.js';

export interface LabelledPair { id: string; a: string; b: string; duplicate: boolean }

export const PARAPHRASE_DIRECTORY = process.env.ROUTEKIT_PARAPHRASE_DATA ?? new URL('../../shared/data/paraphrase/', import.meta.url).pathname;

export function readPairs(file: string): LabelledPair[] {
  const path = requireDataFile(`${PARAPHRASE_DIRECTORY}/${file}`, 'set ROUTEKIT_PARAPHRASE_DATA to a folder that has them');
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LabelledPair);
}

/** 70% of QQP rows train, 30% are held out; decided by the id's hash. */
export function isHeldOut(pair: LabelledPair): boolean {
  return hashString(pair.id) % 10 < 3;
}
