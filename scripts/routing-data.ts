// Shared by the routing scripts and the bench: where the routing data lives and how to read it.
import { readFileSync } from 'node:fs';
import { parseTrainingRows, type TrainingRow } from '../packages/core/src/routing/training/training-row.js';
import { requireDataFile } from './require-data-file.js';

export const dataDirectory = process.env.ROUTEKIT_ROUTING_DATA ?? new URL('../../shared/data/routing/', import.meta.url).pathname;
export const strongModel = 'gpt-4-1106-preview';
export const weakModel = 'mixtral-8x7b-instruct-v0.1';
export const benchSets = ['routerbench-arc-challenge', 'routerbench-mbpp', 'routerbench-winogrande'] as const;

export function loadRows(name: string): TrainingRow[] {
  return parseTrainingRows(readFileSync(requireDataFile(`${dataDirectory}${name}.train.jsonl`, 'set ROUTEKIT_ROUTING_DATA to a folder that has them'), 'utf8'), `${name}.train.jsonl`);
}
