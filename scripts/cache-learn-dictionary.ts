// Learns the semantic cache's paraphrase dictionary from the QQP training 70%: among pairs whose
// content words differ by one word on each side (a swap) or one word on one side (a drop), the
// swaps and drops seen in duplicates at least MIN_SUPPORT times and never in a non-duplicate.
// Run (writes packages/core/src/cache/paraphrase-dictionary.json):
//   PATH=$PWD/node_modules/.bin:$PATH tsx scripts/cache-learn-dictionary.ts
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { contentWords, wordDifference } from '../packages/core/src/cache/content-words.js';
import { isHeldOut, readPairs } from './cache-paraphrase-data.js';

const MIN_SUPPORT = 2;

export interface DictionarySource { synonyms: Array<[string, string]>; droppable: string[] }

export function learnDictionary(rows: ReadonlyArray<{ duplicate: boolean; left: string[]; right: string[] }>): DictionarySource {
  const swaps = new Map<string, [number, number]>();
  const drops = new Map<string, [number, number]>();
  const count = (table: Map<string, [number, number]>, key: string, duplicate: boolean) => {
    const counts = table.get(key) ?? [0, 0];
    counts[duplicate ? 0 : 1] += 1;
    table.set(key, counts);
  };
  for (const { duplicate, left, right } of rows) {
    const [onlyLeft, onlyRight] = wordDifference([...left].sort(), [...right].sort());
    if (onlyLeft.length === 1 && onlyRight.length === 1) count(swaps, [onlyLeft[0]!, onlyRight[0]!].sort().join(' '), duplicate);
    else if (onlyLeft.length + onlyRight.length === 1) count(drops, (onlyLeft[0] ?? onlyRight[0])!, duplicate);
  }
  const keep = (table: Map<string, [number, number]>) => [...table].filter(([, [yes, no]]) => yes >= MIN_SUPPORT && no === 0).map(([key]) => key).sort();
  return { synonyms: keep(swaps).map((key) => key.split(' ') as [string, string]), droppable: keep(drops) };
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const training = readPairs('qqp.train.jsonl').filter((pair) => !isHeldOut(pair));
  const dictionary = learnDictionary(training.map((pair) => ({ duplicate: pair.duplicate, left: contentWords(pair.a), right: contentWords(pair.b) })));
  const output = new URL('../packages/core/src/cache/paraphrase-dictionary.json', import.meta.url);
  writeFileSync(output, JSON.stringify({ source: 'QQP train half, 70% split by id hash; scripts/cache-learn-dictionary.ts', ...dictionary }) + '\n');
  console.log(`wrote ${output.pathname}: ${dictionary.synonyms.length} synonym pairs, ${dictionary.droppable.length} droppable words`);
}
