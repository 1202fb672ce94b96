// Ablation of the semantic cache's two-stage match (cosine retrieval, then the paraphrase verifier:
// strict/loose content words, learned dictionary, word order, slot guard) on the QQP training 70%
// (where the shipped margins were chosen) and the held-out 30% and MRPC (reported, not tuned on).
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx scripts/cache-verifier-experiment.ts [--false-hits] [--held-out]
import { contentWords, orderInversions, paraphraseDictionary, sameContent, wordDifference } from '../packages/core/src/cache/content-words.js';
import { createHashedEmbedder } from '../packages/core/src/cache/hashed-embedder.js';
import { compareSlots, extractSlots } from '../packages/core/src/cache/slot-guard.js';
import { isHeldOut, readPairs, type LabelledPair } from './cache-paraphrase-data.js';
import { learnDictionary } from './cache-learn-dictionary.js';

const embedder = createHashedEmbedder();
interface Scored { pair: LabelledPair; cosine: number; guardOk: boolean; left: string[]; right: string[]; strictLeft: string[]; strictRight: string[] }
function score(pairs: LabelledPair[]): Scored[] {
  return pairs.map((pair) => ({
    pair,
    cosine: embedder.similarity(embedder.embed(pair.a), embedder.embed(pair.b)),
    guardOk: compareSlots(extractSlots(pair.b), extractSlots(pair.a)) === null,
    left: contentWords(pair.a),
    right: contentWords(pair.b),
    strictLeft: contentWords(pair.a, 'strict'),
    strictRight: contentWords(pair.b, 'strict'),
  }));
}
const all = readPairs('qqp.train.jsonl');
const training = score(all.filter((pair) => !isHeldOut(pair)));
const heldOut = score(all.filter(isHeldOut));
const mrpc = score(readPairs('mrpc.jsonl'));
const empty = paraphraseDictionary({ synonyms: [], droppable: [] });
const learned = paraphraseDictionary(learnDictionary(training.map(({ pair, left, right }) => ({ duplicate: pair.duplicate, left, right }))));

function evaluate(rows: Scored[], hit: (row: Scored) => boolean) {
  const hits = rows.filter(hit);
  const truth = hits.filter((row) => row.pair.duplicate).length;
  const duplicates = rows.filter((row) => row.pair.duplicate).length;
  return { precision: hits.length ? truth / hits.length : 1, recall: truth / duplicates, hits: hits.length, falseHits: hits.filter((row) => !row.pair.duplicate) };
}
const twoStage = (exactFloor: number, maxInversions: number, dictionaryFloor: number, dictionary = learned) => (row: Scored) =>
  row.guardOk && (row.cosine >= 0.95 || (row.cosine >= exactFloor && sameContent(row.left, row.right, empty, 0) && orderInversions(row.left, row.right) <= maxInversions) || (row.cosine >= dictionaryFloor && sameContent(row.left, row.right, dictionary, 1) && orderInversions(row.left, row.right) <= maxInversions));
const strictMatch = (row: Scored, floor: number) => row.cosine >= floor && sameContent(row.strictLeft, row.strictRight, empty, 0) && orderInversions(row.strictLeft, row.strictRight) <= 1;
const looseMatch = (row: Scored, floor: number, minimumWords: number, dictionary: typeof learned) =>
  row.cosine >= floor && row.left.length >= minimumWords && sameContent(row.left, row.right, dictionary, 1) && orderInversions(row.left, row.right) <= 2;
const variants: Record<string, (row: Scored) => boolean> = {
  'cosine>=0.95 + guard (old)': (row) => row.guardOk && row.cosine >= 0.95,
  'same loose words, any cosine, no guard': (row) => sameContent(row.left, row.right, empty, 0),
  'same loose words, any cosine, guard': (row) => row.guardOk && sameContent(row.left, row.right, empty, 0),
  'same strict words, any cosine, guard': (row) => row.guardOk && sameContent(row.strictLeft, row.strictRight, empty, 0),
  'old + strict>=0.5': (row) => row.guardOk && (row.cosine >= 0.95 || strictMatch(row, 0.5)),
  'old + strict(dict 1)>=0.5 + loose +dict>=0.8 words>=4': (row) => row.guardOk && (row.cosine >= 0.95 || (row.cosine >= 0.5 && sameContent(row.strictLeft, row.strictRight, learned, 1) && orderInversions(row.strictLeft, row.strictRight) <= 1) || looseMatch(row, 0.8, 4, learned)),
  'old + strict>=0.6 + loose +dict>=0.75 words>=4': (row) => row.guardOk && (row.cosine >= 0.95 || strictMatch(row, 0.6) || looseMatch(row, 0.75, 4, learned)),
  'old + strict>=0.4 + loose +dict>=0.8 words>=4': (row) => row.guardOk && (row.cosine >= 0.95 || strictMatch(row, 0.4) || looseMatch(row, 0.8, 4, learned)),
  ...Object.fromEntries([0.7, 0.8, 0.85, 0.9].flatMap((floor) => [3, 4, 5].flatMap((minimumWords) => ([['', empty], [' +dict', learned]] as const).map(([name, dictionary]) => [`old + strict>=0.5 + loose${name}>=${floor} words>=${minimumWords}`, (row: Scored) => row.guardOk && (row.cosine >= 0.95 || strictMatch(row, 0.5) || looseMatch(row, floor, minimumWords, dictionary))])))),
};
for (const [name, rows] of Object.entries({ 'qqp train 70%': training, 'qqp held-out 30%': heldOut, mrpc })) {
  console.log(`\n${name}: ${rows.length} pairs`);
  for (const [variant, hit] of Object.entries(variants)) {
    const result = evaluate(rows, hit);
    console.log(`${variant.padEnd(42)} precision ${result.precision.toFixed(3)} recall ${result.recall.toFixed(3)} hits ${result.hits}`);
  }
}
console.log(`\ndictionary: ${learned.synonyms.size} synonym words, ${learned.droppable.size} droppable`);
if (process.argv.includes('--false-hits')) {
  const chosen = variants[process.env.VARIANT ?? 'floor 0.6 + dictionary(1 edit) + guard']!;
  for (const [name, rows] of Object.entries({ training, heldOut })) {
    console.log(`\nfalse hits (${name}):`);
    for (const row of evaluate(rows, chosen).falseHits) console.log(`  ${row.cosine.toFixed(3)} ${row.pair.a} || ${row.pair.b} [${wordDifference([...row.left].sort(), [...row.right].sort()).map((side) => side.join(',')).join(' / ')}]`);
  }
}

// Frequent words as droppable (beyond the learned ones): does a common word's absence matter?
{
  const frequency = new Map<string, number>();
  for (const row of training) for (const word of new Set([...row.left, ...row.right])) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  for (const top of [50, 100, 200, 400]) {
    const common = [...frequency].sort((left, right) => right[1] - left[1]).slice(0, top).map(([word]) => word).filter((word) => !['what', 'how', 'why', 'where', 'when', 'who', 'which', 'not', 'should', 'best', 'good'].includes(word));
    const source = learnDictionary(training.map(({ pair, left, right }) => ({ duplicate: pair.duplicate, left, right })));
    const widened = paraphraseDictionary({ synonyms: source.synonyms, droppable: [...source.droppable, ...common] });
    for (const [floor, minimumWords] of [[0.8, 4], [0.8, 3], [0.85, 3]] as const) {
      const hit = (row: Scored) => row.guardOk && (row.cosine >= 0.95 || strictMatch(row, 0.5) || looseMatch(row, floor, minimumWords, widened));
      const cells = [training, heldOut].map((rows) => evaluate(rows, hit)).map((result) => `${result.precision.toFixed(3)} ${result.recall.toFixed(3)} ${result.hits}`);
      console.log(`common top ${top} droppable, loose>=${floor} words>=${minimumWords}: train ${cells[0]} | held-out ${process.argv.includes('--held-out') ? cells[1] : '(pass --held-out)'}`);
    }
  }
}
