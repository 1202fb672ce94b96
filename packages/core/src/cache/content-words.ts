import dictionarySource from './paraphrase-dictionary.json' with { type: 'json' };
import { tokenize } from './text-features.js';

// Phrases that only frame a question ("can you tell me", "I want to know") and phrases with one
// canonical wording ("capital city" is a "capital"). Applied to the token sequence, longest first.
const PHRASES: ReadonlyArray<readonly [string, string]> = [
  ['can you tell me', ''], ['could you tell me', ''], ['please tell me', ''], ['tell me', ''], ['do you know', ''],
  ['i want to know', ''], ['i would like to know', ''], ['i wonder', ''], ['what are some of the', 'what'], ['what are some', 'what'],
  ['what are the', 'what'], ['what is the', 'what'], ['what are', 'what'], ['what is', 'what'], ['capital city', 'capital'],
  ['in order to', 'to'], ['a lot of', 'many'], ['lots of', 'many'], ['is it possible to', 'can'], ['is there any way to', 'how'],
  ['is there a way to', 'how'], ['what is the best way to', 'how'], ['what are the best ways to', 'how'], ['the best way to', 'how'],
  ['best way to', 'how'], ['best ways to', 'how'],
];

// Words that carry no content of their own in a question: articles, auxiliaries, pronouns,
// politeness. Wh-words, negation and modal verbs like "should" stay: they change the answer.
const STOPWORDS = new Set(
  ('a an the of to in on at for from by with about as into is are was were be been being am can could ' +
    'i me my myself you your yourself one we us our it its this that these those ' +
    'please some any there here just really actually exactly so and or also get got').split(' '),
);

// Only words that never change what is asked: articles, the copula, "of", politeness.
const STRICT_STOPWORDS = new Set('a an the of is are am was were be please'.split(' '));

// "do" asks the question after a wh-word or at the start ("How do I…", "Does it…"); elsewhere it
// is the verb ("What does a manager do?" is not "What is a manager?").
const AUXILIARIES = new Set(['do', 'does']);
const QUESTION_WORDS = new Set(['what', 'how', 'why', 'where', 'when', 'who', 'which', 'whom']);

// The same light stemmer as the features, plus a few irregular forms.
// A Map: prompt words are looked up in it (an object literal would answer "constructor").
const IRREGULAR = new Map<string, string>(Object.entries({ better: 'good', best: 'best', went: 'go', gone: 'go', made: 'make', ways: 'way', people: 'person', men: 'man', women: 'woman', children: 'child' }));
function stem(word: string): string {
  const irregular = IRREGULAR.get(word);
  if (irregular) return irregular;
  if (word.length <= 4) return word;
  for (const suffix of ['ing', 'ies', 'es', 's', 'ed', 'ly']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, -suffix.length);
  }
  return word;
}

/** The phrases by their first word, longest first: a token that starts none costs one lookup. */
const phrasesByFirstWord = new Map<string, Array<readonly [from: string[], to: string[]]>>();
for (const [from, to] of PHRASES.map(([from, to]) => [from.split(' '), to === '' ? [] : to.split(' ')] as const).sort((left, right) => right[0].length - left[0].length)) {
  const list = phrasesByFirstWord.get(from[0]!) ?? [];
  list.push([from, to]);
  phrasesByFirstWord.set(from[0]!, list);
}

function rewritePhrases(tokens: readonly string[]): string[] {
  const output: string[] = [];
  let index = 0;
  outer: while (index < tokens.length) {
    for (const [from, to] of phrasesByFirstWord.get(tokens[index]!) ?? []) {
      if (from.every((word, offset) => tokens[index + offset] === word)) {
        output.push(...to);
        index += from.length;
        continue outer;
      }
    }
    output.push(tokens[index]!);
    index += 1;
  }
  return output;
}

// "France's capital" is read as "capital of France", so both wordings give the same word order.
const POSSESSIVE = 'possessivemarker';
const POSSESSIVE_PATTERN = /\b(\p{L}+)['’]s\b/gu;
const CONTRACTED = new Set(['what', 'it', 'that', 'who', 'where', 'how', 'there', 'he', 'she', 'let', 'here', 'when', 'why']);
function swapPossessives(tokens: string[]): string[] {
  const output = [...tokens];
  for (let index = 1; index + 1 < output.length; index += 1) {
    if (output[index] !== POSSESSIVE) continue;
    const owner = output[index - 1]!;
    output[index - 1] = output[index + 1]!;
    output[index] = 'of';
    output[index + 1] = owner;
  }
  return output.filter((word) => word !== POSSESSIVE);
}

/**
 * The content words of a prompt, stemmed, in their order: what two prompts must share for one's
 * answer to answer the other (compare with `sameContent`, order with `orderInversions`).
 * "What's France's capital city?" and "What is the capital of France?" both give
 * `['what', 'capital', 'france']`. `strict` drops only articles, the copula, "of" and "please";
 * `loose` also pronouns, question auxiliaries, prepositions and fillers.
 */
export function contentWords(text: string, strictness: 'loose' | 'strict' = 'loose'): string[] {
  const stopwords = strictness === 'strict' ? STRICT_STOPWORDS : STOPWORDS;
  // A word written in capitals is a name even when it spells a stopword ("IT", "US").
  const capitals = new Set(Array.from(text.matchAll(/\b\p{Lu}{2,}\b/gu), (match) => match[0].toLowerCase()));
  const words = swapPossessives(rewritePhrases(tokenize(text.replace(POSSESSIVE_PATTERN, (match, owner: string) => (CONTRACTED.has(owner.toLowerCase()) ? match : `${owner} ${POSSESSIVE}`)))));
  return words
    .filter((word, index) => (!stopwords.has(word) || capitals.has(word)) && !(strictness === 'loose' && AUXILIARIES.has(word) && (index === 0 || QUESTION_WORDS.has(words[index - 1]!))))
    .map(stem);
}

/**
 * How many pairs of shared words the two prompts put in opposite order ("church engages
 * millennials" / "millennials engage the church": 3; "France's capital" / "capital of France": 1).
 */
export function orderInversions(left: readonly string[], right: readonly string[]): number {
  const positions = new Map<string, number[]>();
  right.forEach((word, index) => positions.set(word, [...(positions.get(word) ?? []), index]));
  const sequence: number[] = [];
  for (const word of left) {
    const queue = positions.get(word);
    if (queue?.length) sequence.push(queue.shift()!);
  }
  let inversions = 0;
  for (let i = 0; i < sequence.length; i += 1) for (let j = i + 1; j < sequence.length; j += 1) if (sequence[i]! > sequence[j]!) inversions += 1;
  return inversions;
}

/** A paraphrase dictionary: word pairs that may replace each other, and words that may be dropped. */
export interface ParaphraseDictionary {
  readonly synonyms: ReadonlyMap<string, ReadonlySet<string>>;
  readonly droppable: ReadonlySet<string>;
}

/** Builds a dictionary from its JSON form (`synonyms` as pairs of stemmed words). */
export function paraphraseDictionary(source: { synonyms: ReadonlyArray<readonly string[]>; droppable: readonly string[] }): ParaphraseDictionary {
  const synonyms = new Map<string, Set<string>>();
  for (const [left, right] of source.synonyms) {
    if (left === undefined || right === undefined) continue;
    if (!synonyms.has(left)) synonyms.set(left, new Set());
    if (!synonyms.has(right)) synonyms.set(right, new Set());
    synonyms.get(left)!.add(right);
    synonyms.get(right)!.add(left);
  }
  return { synonyms, droppable: new Set(source.droppable) };
}

/** The words each side has that the other lacks (multisets given as sorted arrays). */
export function wordDifference(left: readonly string[], right: readonly string[]): [string[], string[]] {
  const onlyLeft: string[] = [];
  const onlyRight: string[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length || (i < left.length && left[i]! < right[j]!)) onlyLeft.push(left[i++]!);
    else if (i >= left.length || right[j]! < left[i]!) onlyRight.push(right[j++]!);
    else {
      i += 1;
      j += 1;
    }
  }
  return [onlyLeft, onlyRight];
}

/**
 * Whether two prompts' content words are the same multiset once dictionary synonyms are paired
 * up and droppable words removed. At most `maxEdits` dictionary uses are allowed.
 */
export function sameContent(left: readonly string[], right: readonly string[], dictionary: ParaphraseDictionary, maxEdits = 1): boolean {
  if (left.length === 0 || right.length === 0) return false;
  const [onlyLeft, onlyRight] = wordDifference([...left].sort(), [...right].sort());
  if (onlyLeft.length + onlyRight.length === 0) return true;
  let edits = 0;
  const unmatched = [...onlyRight];
  for (const word of onlyLeft) {
    const partners = dictionary.synonyms.get(word);
    const at = partners ? unmatched.findIndex((candidate) => partners.has(candidate)) : -1;
    if (at >= 0) unmatched.splice(at, 1);
    else if (!dictionary.droppable.has(word)) return false;
    edits += 1;
  }
  for (const word of unmatched) {
    if (!dictionary.droppable.has(word)) return false;
    edits += 1;
  }
  return edits <= maxEdits;
}

/** The dictionary learned on the QQP training 70% (scripts/cache-learn-dictionary.ts); built once, shared. */
export const learnedDictionary: ParaphraseDictionary = paraphraseDictionary(dictionarySource);
/** No synonyms and nothing droppable: content words must agree exactly. */
export const emptyDictionary: ParaphraseDictionary = paraphraseDictionary({ synonyms: [], droppable: [] });

/** The words of a space-joined word string (as `PromptWords` stores them); none for ''. */
export function splitWords(words: string): string[] {
  return words === '' ? [] : words.split(' ');
}
