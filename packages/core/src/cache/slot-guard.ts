import { contentWords } from './content-words.js';
import { isAscii, tokenize } from './text-features.js';

/**
 * The values in a prompt that change its answer while barely moving its embedding: numbers,
 * quoted text, code identifiers, names, languages, negation, polar words ("best"/"worst"),
 * operators, who does what to whom, and the connectives between words ("and"/"or").
 */
export interface PromptSlots {
  /**
   * Lower-cased word tokens joined by spaces (one string is far smaller than an array per cached
   * prompt), to find where a name written in capitals on one side appears on the other.
   */
  readonly tokens: string;
  readonly numbers: readonly string[];
  readonly quoted: readonly string[];
  readonly identifiers: readonly string[];
  /** Lower-cased words written with a capital that are not common words: names, places, products. */
  readonly names: readonly string[];
  readonly keywords: readonly string[];
  /** How many negations the prompt has: a second "not" in a negative question changes it too. */
  readonly negations: number;
  /** Whether the prompt opens as a yes/no question ("Should I…"), a wh-question ("How should I…") or neither. */
  readonly form: 'yes-no' | 'wh' | 'other';
  /** Operators and symbols in order ("x^2 + 2x + 1": `^ +  +`): the tokenizer drops them, the answer depends on them. */
  readonly symbols: readonly string[];
  /** Content words (articles and the copula dropped, stemmed) joined by spaces, to compare who does what to whom. */
  readonly roles: string;
  /**
   * Each connective with the words on either side ("coffee with milk": `coffee>milk:with`), joined by
   * spaces: the same two words joined by another connective ask another question.
   */
  readonly connectives: string;
}

/** Why two prompts were judged to ask different things, or null when every slot agrees. */
export type GuardVerdict = null | 'numbers' | 'quoted' | 'identifiers' | 'names' | 'keywords' | 'negation' | 'question form' | 'symbols' | 'word order' | 'connectives';

// A Map: prompt words are looked up in it (an object literal would answer "constructor").
const NUMBER_WORDS = new Map<string, string>(Object.entries({
  zero: '0', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  eleven: '11', twelve: '12', fifteen: '15', twenty: '20', thirty: '30', fifty: '50', hundred: '100', thousand: '1000',
  million: '1000000', billion: '1000000000', third: '3rd', dozen: '12',
}));
// "one", "first", "second" and "half" are left out: as pronoun, ordinal-of-speech or time unit they
// split real paraphrases ("one's life" / "life"); a real count still differs from "two", "three"…

// Words whose swap turns a question into another one although the rest is identical.
const KEYWORDS = new Set([
  'best', 'worst', 'good', 'bad', 'better', 'worse', 'most', 'least', 'more', 'less', 'fewer', 'before', 'after', 'above', 'below',
  'increase', 'decrease', 'largest', 'smallest', 'biggest', 'big', 'small', 'highest', 'lowest', 'high', 'low', 'maximum', 'minimum',
  'max', 'min', 'first', 'last', 'cheap', 'cheapest', 'expensive', 'fast', 'fastest', 'slow', 'slowest', 'old', 'oldest', 'new', 'newest',
  'young', 'youngest', 'male', 'female', 'men', 'women', 'man', 'woman', 'boy', 'girl', 'buy', 'sell', 'import', 'export', 'win', 'lose',
  'boys', 'girls', 'buying', 'selling', 'bought', 'sold', 'love', 'hate', 'safe', 'unsafe', 'dangerous', 'rich', 'poor', 'easy', 'easiest',
  'hard', 'hardest', 'difficult', 'happy', 'sad', 'strong', 'stronger', 'strongest', 'weak', 'weaker', 'weakest', 'accept', 'reject', 'always',
  'start', 'stop', 'open', 'close', 'add', 'remove', 'enable', 'disable', 'install', 'uninstall', 'upload', 'download', 'send', 'receive',
  'advantages', 'disadvantages', 'pros', 'cons', 'benefits', 'positive', 'negative', 'true', 'false', 'yes', 'legal', 'illegal',
  'north', 'south', 'east', 'west', 'left', 'right', 'who', 'where', 'when', 'why',
  'english', 'spanish', 'french', 'german', 'italian', 'portuguese', 'chinese', 'mandarin', 'japanese', 'korean', 'russian', 'arabic',
  'hindi', 'dutch', 'swedish', 'polish', 'turkish', 'greek', 'hebrew', 'latin', 'bengali', 'urdu', 'tamil', 'telugu', 'vietnamese',
  'thai', 'indonesian', 'persian', 'ukrainian', 'python', 'java', 'javascript', 'typescript', 'ruby', 'php', 'rust', 'go', 'golang',
  'c', 'c++', 'c#', 'swift', 'kotlin', 'scala', 'haskell', 'perl', 'sql', 'html', 'css', 'bash', 'r', 'matlab', 'dart', 'lua',
  'yesterday', 'today', 'tomorrow', 'daily', 'weekly', 'monthly', 'yearly', 'morning', 'evening', 'night', 'summer', 'winter',
  // Operators written as words: "x plus 2" / "x minus 2", "encode" / "decode".
  'plus', 'minus', 'multiply', 'multiplied', 'divide', 'divided', 'greater', 'smaller', 'increment', 'decrement', 'ascending', 'descending',
  'encrypt', 'decrypt', 'encode', 'decode', 'compress', 'decompress', 'push', 'pop', 'union', 'intersection', 'inner', 'outer',
]);
const NEGATIONS = new Set(['not', 'no', 'never', 'without', 'none', 'neither', 'nor', 'nothing', 'nobody', 'cannot', 'unable']);

// Capitalised words that are not names: sentence starts, question words, pronouns.
const COMMON_WORDS = new Set(
  ('a an the and or but if then so of to in on at by for from with about as into is are was were be been being do does did ' +
    'have has had can could will would should shall may might must what which who whom whose when where why how i me my you your ' +
    'he him his she her it its we us our they them their this that these those there here not no yes all any some each every ' +
    'one best good most more much many very just also only please tell explain give write list describe find show help make ' +
    'let get need want know think like am hi hello hey dear thanks thank ok okay whats hows whos').split(' '),
);

// A single quote opens a quotation only where it cannot be an apostrophe ("What's", "you're").
const QUOTED_PATTERN = /"([^"]{1,200})"|“([^”]{1,200})”|`([^`]{1,200})`|(?<!\w)'([^'\s][^']{0,198}[^'\s])'(?!\w)/g;
const IDENTIFIER_PATTERN = /[A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)+(?:\(\))?|\b[a-z]+(?:[A-Z][a-z0-9]*)+\b|\b[A-Za-z]+_[\w]+\b|\b\w+\(\)/g;
// With its currency sign or percent, so "$10000" and "£10000" differ.
const NUMBER_PATTERN = /[$£€¥₹]?\d[\d,]*(?:\.\d+)?%?/g;
const YES_NO_OPENERS = new Set(['should', 'can', 'could', 'is', 'are', 'was', 'were', 'do', 'does', 'did', 'will', 'would', 'has', 'have', 'had', 'am', 'may', 'might', 'must', 'shall']);
const WH_OPENERS = new Set(['how', 'what', 'why', 'where', 'when', 'who', 'whom', 'whose', 'which']);
const CAPITALISED_PATTERN = /\b\p{Lu}[\p{L}\p{N}]*/gu;
// Longest first, so "===" is one operator and not "==" and "=".
const OPERATOR_PATTERN = /===|!==|\*\*=|<<=|>>=|==|!=|<=|>=|=>|->|<-|<<|>>|\+\+|--|\+=|-=|\*=|\/=|%=|&=|\|=|\^=|&&|\|\||\*\*|\/\/|::|[-+*\/^%=<>!&|~]/g;
const LETTER = /\p{L}/u;

/**
 * Whether `-`, `/` or `|` at `index` joins two words ("well-known", "e-commerce", "JEE - Mains",
 * "and/or", "Wolfram|Alpha") rather than operands ("x-y", "a - b", "a/b"): letters on both sides,
 * one space allowed, with at least three letters after or two on each side.
 */
function joinsWords(text: string, index: number, length: number): boolean {
  // An apostrophe belongs to the word ("what's/will").
  const before = /([\p{L}'’]*) ?$/u.exec(text.slice(Math.max(0, index - 4), index))![1]!.replace(/['’]/g, '').length;
  const after = /^ ?([\p{L}'’]*)/u.exec(text.slice(index + length, index + length + 4))![1]!.replace(/['’]/g, '').length;
  return before >= 1 && after >= 1 && (after >= 3 || (before >= 2 && after >= 2));
}

/**
 * The operators of a text in order. Hyphens and slashes inside words, sentence-final `!`, a `%`
 * after a number (part of the number slot) and `<`/`>` of an HTML-like tag name stay out.
 */
function extractSymbols(text: string): string[] {
  const symbols: string[] = [];
  for (const match of text.matchAll(OPERATOR_PATTERN)) {
    const operator = match[0];
    const index = match.index;
    if ((operator === '-' || operator === '/' || operator === '|') && joinsWords(text, index, 1)) continue;
    if (operator === '!' && !/[\w(]/.test(text[index + 1] ?? '')) continue;
    if (operator === '%' && /\d/.test(text[index - 1] ?? '')) continue;
    symbols.push(operator);
  }
  return symbols;
}

// The number words by (first letter, last letter, length): a token is compared with the few words
// of its shape, and most tokens have none. Neither table hashes a token, as a lookup by word did
// (that hashing cost more than the rest of the loop). The words of a shape and their numbers
// alternate in one flat array.
const NUMBER_WORDS_BY_SHAPE = new Map<number, string[]>();
// Bit n set: a number word of n letters starts and ends with this (first, last) pair of ASCII
// codes. Rules out most tokens with two reads, before the map.
const NUMBER_WORD_LENGTHS = new Uint32Array(128 * 128);
const shapeOf = (word: string) => (word.charCodeAt(0) << 16) | (word.charCodeAt(word.length - 1) << 8) | word.length;
for (const [word, number] of NUMBER_WORDS) {
  const words = NUMBER_WORDS_BY_SHAPE.get(shapeOf(word));
  if (words) words.push(word, number);
  else NUMBER_WORDS_BY_SHAPE.set(shapeOf(word), [word, number]);
  NUMBER_WORD_LENGTHS[(word.charCodeAt(0) << 7) | word.charCodeAt(word.length - 1)]! |= 1 << word.length;
}
const LONGEST_NUMBER_WORD = Math.max(...[...NUMBER_WORDS.keys()].map((word) => word.length));

/** The numbers of a prompt's NFKC text, written or spelled out: the slot `compareSlots` reads first. */
function numbersOf(normalised: string, tokens: readonly string[]): string[] {
  const numbers = [...normalised.matchAll(NUMBER_PATTERN)].map((match) => match[0].replace(/,/g, ''));
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    const length = token.length;
    if (length < 3 || length > LONGEST_NUMBER_WORD) continue;
    const first = token.charCodeAt(0);
    const last = token.charCodeAt(length - 1);
    // Every number word is ASCII: a token with another first or last character is none.
    if (first >= 128 || last >= 128 || (NUMBER_WORD_LENGTHS[(first << 7) | last]! & (1 << length)) === 0) continue;
    const words = NUMBER_WORDS_BY_SHAPE.get(shapeOf(token));
    if (words === undefined) continue;
    for (let word = 0; word < words.length; word += 2) if (token === words[word]) numbers.push(words[word + 1]!);
  }
  return numbers;
}

/**
 * The `numbers` slot alone, a tenth of the cost of every slot on 2,000 characters: two prompts
 * whose numbers differ get the verdict 'numbers' whatever their other slots hold, so a lookup
 * compares these first and extracts the rest only for a candidate that agrees on them.
 */
export function extractNumbers(text: string): readonly string[] {
  const normalised = normalizeNfkc(text);
  return numbersOf(normalised, tokenize(normalised));
}

/** NFKC leaves ASCII text as it is: most prompts skip the normaliser's pass. */
function normalizeNfkc(text: string): string {
  return isAscii(text) ? text : text.normalize('NFKC');
}

/** Whether two prompts' numbers (`extractNumbers`, or `PromptSlots.numbers`) agree: `compareSlots` answers 'numbers' when they do not. */
export function sameNumbers(left: readonly string[], right: readonly string[]): boolean {
  return sameSequence(left, right);
}

/** Extracts the slots of one prompt. Cheap: a few regular expressions over the text. */
export function extractSlots(text: string): PromptSlots {
  const normalised = normalizeNfkc(text);
  const tokens = tokenize(normalised);
  const numbers = numbersOf(normalised, tokens);
  const quoted = [...normalised.matchAll(QUOTED_PATTERN)].map((match) => (match[1] ?? match[2] ?? match[3] ?? match[4]!).trim().toLowerCase());
  const identifiers = [...normalised.matchAll(IDENTIFIER_PATTERN)].map((match) => match[0]);
  const names = [...normalised.matchAll(CAPITALISED_PATTERN)]
    .map((match) => match[0].toLowerCase())
    .filter((word) => !COMMON_WORDS.has(word) && !NUMBER_WORDS.has(word));
  const keywords = tokens.filter((token) => KEYWORDS.has(token));
  const negations = tokens.filter((token) => NEGATIONS.has(token)).length;
  const opener = tokens[0] ?? '';
  const form = YES_NO_OPENERS.has(opener) ? 'yes-no' : WH_OPENERS.has(opener) ? 'wh' : 'other';
  return {
    tokens: tokens.join(' '), numbers, quoted, identifiers, names: [...new Set(names)], keywords, negations, form,
    symbols: extractSymbols(normalised), roles: contentWords(normalised, 'strict').join(' '), connectives: extractConnectives(tokens),
  };
}

// Connectives by what they join: "tea and coffee" is not "tea or coffee", "coffee with milk" not
// "coffee without milk", "honey instead of sugar" not "honey with sugar". Words that say the same
// share a class ("vs" / "versus", "instead of" / "rather than", "as well as" / "and").
const CONNECTIVES = new Map<string, string>(Object.entries({ and: 'and', or: 'or', with: 'with', without: 'without', vs: 'versus', versus: 'versus', than: 'than' }));
// Skipped when finding a connective's neighbours: "coffee without any milk" joins coffee and milk.
const NEIGHBOUR_FILLERS = new Set(['a', 'an', 'the', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'some', 'any', 'this', 'that']);
// "The difference between A and B" asks what "A vs B" asks.
const COMPARISON_WORDS = /\b(?:between|difference|differences|compare|comparison|comparing)\b/;

/** The prompt's connectives with their neighbours, as `left>right:class` joined by spaces ('' for none, most prompts). */
function extractConnectives(tokens: readonly string[]): string {
  const found: string[] = [];
  for (let index = 1; index < tokens.length - 1; index += 1) {
    const word = tokens[index]!;
    let length = 1;
    let kind = CONNECTIVES.get(word);
    if ((word === 'instead' && tokens[index + 1] === 'of') || (word === 'rather' && tokens[index + 1] === 'than')) [kind, length] = ['instead', 2];
    else if (word === 'as' && tokens[index + 1] === 'well' && tokens[index + 2] === 'as') [kind, length] = ['and', 3];
    if (kind === undefined) continue;
    let left = index - 1;
    while (left > 0 && NEIGHBOUR_FILLERS.has(tokens[left]!)) left -= 1;
    let right = index + length;
    while (right < tokens.length - 1 && NEIGHBOUR_FILLERS.has(tokens[right]!)) right += 1;
    if (right < tokens.length) found.push(`${tokens[left]}>${tokens[right]}:${kind}`);
    index += length - 1;
  }
  return found.join(' ');
}

/** Connective classes by the pair of words they join. */
function connectivesByNeighbours(connectives: string): Map<string, string> {
  const byNeighbours = new Map<string, string>();
  for (const entry of connectives.split(' ')) {
    const colon = entry.lastIndexOf(':');
    const key = entry.slice(0, colon);
    const kind = entry.slice(colon + 1);
    const known = byNeighbours.get(key);
    byNeighbours.set(key, known === undefined || known === kind ? kind : [...new Set([...known.split('+'), kind])].sort().join('+'));
  }
  return byNeighbours;
}

/** Whether the same two words are joined by a different connective on each side ("tea and coffee" / "tea or coffee"). */
function connectivesChanged(left: PromptSlots, right: PromptSlots): boolean {
  if (left.connectives === right.connectives || left.connectives === '' || right.connectives === '') return false;
  const leftKinds = connectivesByNeighbours(left.connectives);
  const rightKinds = connectivesByNeighbours(right.connectives);
  for (const [key, kind] of leftKinds) {
    const other = rightKinds.get(key);
    if (other === undefined || other === kind) continue;
    const comparison = (kind === 'and' && other === 'versus') || (kind === 'versus' && other === 'and');
    if (comparison && (COMPARISON_WORDS.test(left.tokens) || COMPARISON_WORDS.test(right.tokens))) continue;
    return true;
  }
  return false;
}

function namesInOrder(tokens: string, names: ReadonlySet<string>): string[] {
  return tokens.split(' ').filter((token) => names.has(token));
}

function sameSequence(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

// Words that relate two things in no particular order: swapping the things around them asks the
// same ("the difference between A and B", "A vs B", "mix A with B").
const SYMMETRIC_WORDS = new Set(['and', 'or', 'vs', 'versus', 'v', 'between', 'both', 'either', 'neither', 'nor', 'with', 'together', 'compare', 'comparison', 'difference', 'differ', 'same', 'similar', 'mix', 'combine', 'relationship', 'like']);
// Words that give the things on either side different roles: "A into B", "from A to B", "A than B".
// Only the strong ones: "in", "on", "for" also attach a phrase anywhere ("rare in competition in
// snooker" / "snooker … rare in competition") and would refuse real paraphrases.
const ROLE_MARKERS = new Set(['to', 'into', 'onto', 'from', 'than', 'instead', 'toward', 'towards']);
// Words that frame a question and say nothing about who does what.
const FRAME_WORDS = new Set(
  ('i me my you your we us our it its they them their he she his her this that these those there here what which who whom whose when where why how ' +
    'do does did can could should would will shall may might must have has had been being not no to a an the of is are was were be am ' +
    'so also just very really some any all each every one get got please in on at for by with about as into onto from than instead ' +
    'toward towards over under after before during through via against without within upon off out up down if then else').split(' '),
);
// Prompts longer than this many content words are compared on their first ones only: the check is cubic in the worst case.
const MAXIMUM_ROLE_WORDS = 64;

function positionsOf(words: readonly string[]): Map<string, number[]> {
  const positions = new Map<string, number[]>();
  words.forEach((word, index) => {
    const list = positions.get(word);
    if (list) list.push(index);
    else positions.set(word, [index]);
  });
  return positions;
}

const occursBetween = (positions: readonly number[], from: number, to: number) => positions.some((position) => position > from && position < to);

/**
 * Whether two things swap roles: a pair of shared content words X, Y that the two prompts put in
 * opposite order with the same word between them on both sides (a verb, "into", "than", "to"):
 * "convert benzene into toluene" / "toluene into benzene", "do cats eat mice" / "do mice eat cats".
 * A reorder around a symmetric word on both sides ("A and B") or without a shared word between
 * ("France's capital" / "capital of France") is no swap.
 */
function rolesSwapped(left: string, right: string): boolean {
  if (left === right) return false;
  const leftWords = left.split(' ').slice(0, MAXIMUM_ROLE_WORDS);
  const rightWords = right.split(' ').slice(0, MAXIMUM_ROLE_WORDS);
  const leftPositions = positionsOf(leftWords);
  const rightPositions = positionsOf(rightWords);
  const shared = [...leftPositions.keys()].filter((word) => rightPositions.has(word));
  const things = shared.filter((word) => !FRAME_WORDS.has(word) && !SYMMETRIC_WORDS.has(word) && !ROLE_MARKERS.has(word));
  const pivots = shared.filter((word) => !SYMMETRIC_WORDS.has(word) && (ROLE_MARKERS.has(word) || !FRAME_WORDS.has(word)));
  const symmetric = shared.filter((word) => SYMMETRIC_WORDS.has(word));
  for (const first of things) {
    const leftFirst = leftPositions.get(first)![0]!;
    const rightFirst = rightPositions.get(first)![0]!;
    for (const second of things) {
      const leftSecond = leftPositions.get(second)![0]!;
      const rightSecond = rightPositions.get(second)![0]!;
      if (!(leftFirst < leftSecond && rightSecond < rightFirst)) continue;
      // Two sides of an "and" (or "vs", "between") may come in either order, with their modifiers.
      if (symmetric.some((word) => occursBetween(leftPositions.get(word)!, leftFirst, leftSecond) && occursBetween(rightPositions.get(word)!, rightSecond, rightFirst))) continue;
      for (const pivot of pivots) {
        if (pivot === first || pivot === second) continue;
        if (occursBetween(leftPositions.get(pivot)!, leftFirst, leftSecond) && occursBetween(rightPositions.get(pivot)!, rightSecond, rightFirst)) return true;
      }
    }
  }
  return false;
}

// The longest stretch of differing words in which two exchanged phrases are looked for: the check is cubic in it.
const MAXIMUM_EXCHANGE_WORDS = 48;

/**
 * Whether the prompts are the same words with two phrases exchanged around a middle that relates
 * them one way: "used electric car better than new petrol car" / "new petrol car better than used
 * electric car", "money from savings account to checking account" / the reverse, "trade my old van
 * for a new car" / the reverse. Unlike `rolesSwapped` it reads whole phrases, so words repeated
 * inside them ("car", "account") do not hide the swap. A middle with a symmetric word and no role
 * marker ("A and B", "A vs B", "mix A with B") relates them either way; no middle at all is a
 * moved phrase ("in a year, how…" / "how… in a year"), not a swap.
 */
function phrasesExchanged(left: string, right: string): boolean {
  // The same words exchanged keep the length: most pairs stop here.
  if (left === right || left.length !== right.length) return false;
  // Only the stretch between the common prefix and suffix is split into words (long prompts differ in a few).
  let prefix = 0;
  while (left.charCodeAt(prefix) === right.charCodeAt(prefix)) prefix += 1;
  const from = left.lastIndexOf(' ', prefix - 1) + 1;
  let suffix = 0;
  while (suffix < left.length - prefix && left.charCodeAt(left.length - 1 - suffix) === right.charCodeAt(right.length - 1 - suffix)) suffix += 1;
  const wordEnd = left.indexOf(' ', left.length - suffix);
  const to = wordEnd < 0 ? left.length : wordEnd;
  const leftWords = left.slice(from, to).split(' ');
  const rightWords = right.slice(from, to).split(' ');
  const length = leftWords.length;
  if (length < 3 || length > MAXIMUM_EXCHANGE_WORDS || rightWords.length !== length) return false;
  const same = (leftStart: number, count: number, rightStart: number) => {
    for (let offset = 0; offset < count; offset += 1) if (leftWords[leftStart + offset] !== rightWords[rightStart + offset]) return false;
    return true;
  };
  // Left is X M Y and right is Y M X, with X (`first` words), M and Y (`second` words) not empty.
  for (let first = 1; first < length - 1; first += 1) {
    if (!same(0, first, length - first)) continue;
    for (let second = 1; first + second < length; second += 1) {
      if (!same(length - second, second, 0) || !same(first, length - first - second, second)) continue;
      const middle = leftWords.slice(first, length - second);
      if (middle.some((word) => SYMMETRIC_WORDS.has(word)) && !middle.some((word) => ROLE_MARKERS.has(word))) continue;
      return true;
    }
  }
  return false;
}

/**
 * Compares the slots of a new prompt with a cached one. Names are compared in order, over the
 * names either side writes with a capital, so "python" and "Python" agree but "France" and
 * "Germany", or "X beats Y" and "Y beats X", do not.
 */
export function compareSlots(left: PromptSlots, right: PromptSlots): GuardVerdict {
  // First, so that a lookup may refuse on `sameNumbers` alone (semantic-cache.ts) with the same verdict.
  if (!sameSequence(left.numbers, right.numbers)) return 'numbers';
  if (!sameSequence(left.quoted, right.quoted)) return 'quoted';
  if (!sameSequence(left.identifiers, right.identifiers)) return 'identifiers';
  if (!sameSequence(left.symbols, right.symbols)) return 'symbols';
  if (left.negations !== right.negations) return 'negation';
  if (left.form !== right.form && left.form !== 'other' && right.form !== 'other') return 'question form';
  if (!sameSequence(left.keywords, right.keywords)) return 'keywords';
  const names = new Set([...left.names, ...right.names]);
  if (names.size > 0 && !sameSequence(namesInOrder(left.tokens, names), namesInOrder(right.tokens, names))) return 'names';
  if (rolesSwapped(left.roles, right.roles) || phrasesExchanged(left.roles, right.roles)) return 'word order';
  if (connectivesChanged(left, right)) return 'connectives';
  return null;
}
