import { emptyDictionary, learnedDictionary, orderInversions, sameContent, splitWords, wordDifference } from './content-words.js';
import { featureBucketWeights } from './hashed-embedder.js';
import { FEATURE_BUCKETS, hashString, tokenize } from './text-features.js';

/** What the pair classifier needs of one prompt beyond its embedding: computed once per prompt. */
export interface PromptWords {
  /** Content words after dropping only articles, the copula, "of" and politeness, joined by spaces. */
  readonly strict: string;
  /** Content words after dropping every stopword (pronouns, auxiliaries, fillers) too, joined by spaces. */
  readonly loose: string;
  /** The first question word (what, how, why…) or modal opener, '' when there is none. */
  readonly questionWord: string;
  /** The first token, lower-cased. */
  readonly firstWord: string;
  /** Number of tokens. */
  readonly length: number;
}

/** Names of the features, in the order `pairFeatures` returns them (the classifier JSON checks them). */
export const PAIR_FEATURE_NAMES = [
  'cosine',
  'loose jaccard',
  'strict jaccard',
  'unmatched fewer side',
  'unmatched more side',
  'unmatched weight share',
  'largest unmatched weight',
  'same strict words',
  'same loose words',
  'same loose words with dictionary',
  'unmatched explained by dictionary',
  'question word agrees',
  'first word agrees',
  'last content word agrees',
  'length ratio',
  'order inversions',
  'character trigram jaccard',
  'fewer content words',
] as const;

const QUESTION_WORDS = new Set(['what', 'how', 'why', 'which', 'who', 'when', 'where', 'can', 'should', 'is', 'are', 'do', 'does', 'will', 'would', 'could']);

/** The word features the pair classifier compares, from the prompt's tokens and content words. */
export function describeWords(text: string, strict: readonly string[], loose: readonly string[]): PromptWords {
  const tokens = tokenize(text);
  return { strict: strict.join(' '), loose: loose.join(' '), questionWord: tokens.find((token) => QUESTION_WORDS.has(token)) ?? '', firstWord: tokens[0] ?? '', length: tokens.length };
}

// How much a content word says: the shipped word feature weight (IDF x how often paraphrases keep
// it, trained on the QQP 70%), so a missing "quora" costs little and a missing "visa" a lot.
function wordWeight(word: string): number {
  return featureBucketWeights[hashString(`w:${word}`) & (FEATURE_BUCKETS - 1)]!;
}

function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const value of left) if (right.has(value)) shared += 1;
  return shared / (left.size + right.size - shared);
}

function trigrams(words: readonly string[]): Set<string> {
  const grams = new Set<string>();
  for (const word of words) {
    const padded = `<${word}>`;
    for (let start = 0; start + 3 <= padded.length; start += 1) grams.add(padded.slice(start, start + 3));
  }
  return grams;
}

/**
 * The features of a (new prompt, cached prompt) pair, in the order of `PAIR_FEATURE_NAMES`:
 * cosine, word overlap, what the unmatched words weigh and whether the dictionary explains them,
 * question-word, first- and last-word agreement, length ratio, word order and character overlap.
 */
export function pairFeatures(query: PromptWords, cached: PromptWords, cosine: number): number[] {
  const left = splitWords(query.loose);
  const right = splitWords(cached.loose);
  const strictLeft = splitWords(query.strict);
  const strictRight = splitWords(cached.strict);
  const [onlyLeft, onlyRight] = wordDifference([...left].sort(), [...right].sort());
  let unmatchedWeight = 0;
  let largest = 0;
  let totalWeight = 0;
  for (const word of [...left, ...right]) totalWeight += wordWeight(word);
  for (const word of [...onlyLeft, ...onlyRight]) {
    const weight = wordWeight(word);
    unmatchedWeight += weight;
    largest = Math.max(largest, weight);
  }
  let explained = 0;
  const partnersLeft = [...onlyRight];
  for (const word of onlyLeft) {
    const partners = learnedDictionary.synonyms.get(word);
    const at = partners ? partnersLeft.findIndex((candidate) => partners.has(candidate)) : -1;
    if (at >= 0) {
      partnersLeft.splice(at, 1);
      explained += 2;
    } else if (learnedDictionary.droppable.has(word)) explained += 1;
  }
  for (const word of partnersLeft) if (learnedDictionary.droppable.has(word)) explained += 1;
  const unmatched = onlyLeft.length + onlyRight.length;
  return [
    cosine,
    jaccard(new Set(left), new Set(right)),
    jaccard(new Set(strictLeft), new Set(strictRight)),
    Math.min(onlyLeft.length, onlyRight.length),
    Math.max(onlyLeft.length, onlyRight.length),
    totalWeight > 0 ? unmatchedWeight / totalWeight : 0,
    largest / 10,
    sameContent(strictLeft, strictRight, emptyDictionary, 0) ? 1 : 0,
    sameContent(left, right, emptyDictionary, 0) ? 1 : 0,
    sameContent(left, right, learnedDictionary, 1) ? 1 : 0,
    unmatched === 0 ? 1 : explained / unmatched,
    query.questionWord === cached.questionWord ? 1 : 0,
    query.firstWord === cached.firstWord ? 1 : 0,
    left.length > 0 && left[left.length - 1] === right[right.length - 1] ? 1 : 0,
    Math.min(query.length, cached.length) / Math.max(query.length, cached.length, 1),
    Math.min(orderInversions(left, right), 5) / 5,
    jaccard(trigrams(left), trigrams(right)),
    Math.min(left.length, right.length, 10) / 10,
  ];
}
