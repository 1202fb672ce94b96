import { Buffer } from 'node:buffer';

/** A sparse feature vector: sorted bucket indices and their weights, L2-normalised. */
export interface SparseVector {
  /** Bucket numbers fit 16 bits: half the memory of 32-bit indices for every cached prompt. */
  readonly indices: Uint16Array;
  readonly values: Float32Array;
}

/** Number of hash buckets for n-gram features; IDF tables and projections are sized by it. */
export const FEATURE_BUCKETS = 1 << 15;

const WORD_PATTERN = /[\p{L}\p{N}]+(?:[+#]+|(?:['’][\p{L}]+))?/gu;

// Contractions are expanded so that "what's" and "what is" share their words. A Map, not an
// object literal: user words are looked up in it, and an object answers "constructor" too.
const CONTRACTIONS = new Map<string, readonly string[]>(Object.entries({
  "what's": ['what', 'is'], "it's": ['it', 'is'], "that's": ['that', 'is'], "who's": ['who', 'is'], "where's": ['where', 'is'],
  "how's": ['how', 'is'], "there's": ['there', 'is'], "i'm": ['i', 'am'], "can't": ['can', 'not'], "won't": ['will', 'not'],
  "don't": ['do', 'not'], "doesn't": ['does', 'not'], "didn't": ['did', 'not'], "isn't": ['is', 'not'], "aren't": ['are', 'not'],
  "wasn't": ['was', 'not'], "weren't": ['were', 'not'], "shouldn't": ['should', 'not'], "wouldn't": ['would', 'not'],
  "couldn't": ['could', 'not'], "haven't": ['have', 'not'], "hasn't": ['has', 'not'], "i've": ['i', 'have'], "you're": ['you', 'are'],
  "they're": ['they', 'are'], "we're": ['we', 'are'], "i'll": ['i', 'will'], "i'd": ['i', 'would'],
}));

// The cache reads one prompt several ways (features, numbers, slots, content words for the
// verifier), each starting from its tokens: the last few texts' tokens are kept, so a prompt is
// tokenized once. A ring compared with `===`, newest first, not a Map keyed by the text: a Map
// hashes the whole text (~28k instructions for a 2,000-character prompt, every request), where
// `===` answers at once for the same string and reads two texts only as far as they agree.
const recentTokensKept = 8;
const longestKeptText = 65_536;
const keptTexts: string[] = new Array<string>(recentTokensKept).fill('');
const keptTokens: Array<readonly string[]> = new Array<readonly string[]>(recentTokensKept).fill([]);
/** Whether each kept text is ASCII (`isAscii`), measured once when it was tokenized. */
const keptAscii: boolean[] = new Array<boolean>(recentTokensKept).fill(true);
let newestKept = 0;

/**
 * Lower-cases, normalises quotes and expands contractions; possessive `'s` is dropped. The array
 * is shared between callers: copy it to change it. It is read-only by its type only: V8 reads the
 * elements of a frozen array through its generic load path, which cost the feature counter and the
 * number-word scan a fifth of their time on a 2,000-character prompt.
 */
export function tokenize(text: string): readonly string[] {
  for (let age = 0, slot = newestKept; age < recentTokensKept; age += 1, slot = slot === 0 ? recentTokensKept - 1 : slot - 1) {
    if (keptTexts[slot] === text) return keptTokens[slot]!;
  }
  const ascii = measureAscii(text);
  const tokens = ascii ? splitAsciiTokens(text) : splitUnicodeTokens(text);
  if (text.length <= longestKeptText) {
    newestKept = newestKept === recentTokensKept - 1 ? 0 : newestKept + 1;
    keptTexts[newestKept] = text;
    keptTokens[newestKept] = tokens;
    keptAscii[newestKept] = ascii;
  }
  return tokens;
}

/**
 * Whether every character is ASCII: such text needs no NFKC pass (it leaves ASCII as it is) and has
 * no curly apostrophe. Every other UTF-16 unit (a lone surrogate too) takes two or more bytes in
 * UTF-8; Node counts them natively, at a third of what the pattern `/[^\x00-\x7F]/` cost.
 */
export function isAscii(text: string): boolean {
  // The text tokenized last is known: the slot guard asks about a prompt right after its features were counted.
  if (keptTexts[newestKept] === text) return keptAscii[newestKept]!;
  return measureAscii(text);
}

function measureAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === text.length;
}

// Plain ASCII text (no NFKC change, no curly apostrophe, letters and digits only in ASCII) has the
// words of /[a-z0-9]+(?:[+#]+|'[a-z]+)?/g in its lower-cased form, read by `splitAsciiTokens`;
// other text goes through NFKC and the pattern here.
function splitUnicodeTokens(text: string): string[] {
  const tokens: string[] = [];
  const words = Array.from(text.normalize('NFKC').toLowerCase().matchAll(WORD_PATTERN), (match) => match[0].replace('’', "'"));
  for (const word of words) {
    // Contractions and possessives all hold an apostrophe: most words skip the lookup.
    if (!word.includes("'")) {
      tokens.push(word);
      continue;
    }
    pushApostropheWord(tokens, word, word.endsWith("'s") ? word.length - 2 : -1);
  }
  return tokens;
}

/** A word holding an apostrophe: a contraction expanded, a possessive `'s` dropped (`possessive` is where it starts, or -1), anything else kept. */
function pushApostropheWord(tokens: string[], word: string, possessive: number): void {
  const expanded = CONTRACTIONS.get(word);
  if (expanded) tokens.push(...expanded);
  else if (possessive >= 0) tokens.push(word.slice(0, possessive));
  else tokens.push(word);
}

// 1 for the ASCII letters and digits after lower-casing (the pattern's [a-z0-9]), 2 for letters only.
const ASCII_CLASS = new Uint8Array(128);
for (let code = 0x30; code <= 0x39; code += 1) ASCII_CLASS[code] = 1;
for (let code = 0x61; code <= 0x7a; code += 1) ASCII_CLASS[code] = 3;

// The lower-cased text's characters as bytes (ASCII: one byte each), written by one native copy and
// read back as plain array elements: reading a string with charCodeAt costs several times more per
// character. Shared by every call (the scan never yields) and grown to the longest text seen.
const asciiEncoder = new TextEncoder();
let asciiBytes = new Uint8Array(4096);

/**
 * The ASCII pattern's words, read in one pass over the lower-cased text (what the pattern would
 * match, without the array of matches and a second loop testing each for an apostrophe): a run of
 * letters and digits, then either a run of `+`/`#` or an apostrophe and a run of letters.
 * text-features.test.ts checks it against the pattern on generated text.
 */
function splitAsciiTokens(text: string): string[] {
  const tokens: string[] = [];
  const lower = text.toLowerCase();
  const length = lower.length;
  if (asciiBytes.length <= length) asciiBytes = new Uint8Array(2 * length + 1);
  const bytes = asciiBytes;
  asciiEncoder.encodeInto(lower, bytes);
  // A byte of class 0 after the text ends every run without a bounds test.
  bytes[length] = 0;
  let index = 0;
  while (index < length) {
    if (ASCII_CLASS[bytes[index]!] === 0) {
      index += 1;
      continue;
    }
    const start = index;
    index += 1;
    while (ASCII_CLASS[bytes[index]!] !== 0) index += 1;
    const next = index < length ? bytes[index]! : -1;
    if (next === 0x2b /* + */ || next === 0x23 /* # */) {
      index += 1;
      while (index < length && (bytes[index] === 0x2b || bytes[index] === 0x23)) index += 1;
    } else if (next === 0x27 /* ' */ && index + 1 < length && ASCII_CLASS[bytes[index + 1]!] === 3) {
      const apostrophe = index;
      index += 2;
      while (index < length && ASCII_CLASS[bytes[index]!] === 3) index += 1;
      pushApostropheWord(tokens, lower.slice(start, index), index - apostrophe === 2 && bytes[apostrophe + 1] === 0x73 /* s */ ? apostrophe - start : -1);
      continue;
    }
    // An indexed store, not push: V8 called the push builtin here, ~130 instructions a word.
    tokens[tokens.length] = lower.slice(start, index);
  }
  return tokens;
}

/** FNV-1a, 32 bit: fast, stable across runs and platforms, good enough spread for bucketing. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

// Light suffix stripping so that "capital"/"capitals" and "learn"/"learning" share a feature:
// words over 4 letters lose "ing", "ies", "es", "s", "ed" or "ly" (the first that fits, leaving at
// least 3 letters). Returns the stem's length rather than the stem, so that no string is made.
function stemLength(word: string): number {
  const length = word.length;
  if (length <= 4) return length;
  const last = word.charCodeAt(length - 1);
  const before = word.charCodeAt(length - 2);
  if (last === 0x73 /* s */) {
    if (before !== 0x65 /* e */) return length - 1;
    return length >= 6 && word.charCodeAt(length - 3) === 0x69 /* i */ ? length - 3 : length - 2;
  }
  if (last === 0x67 /* g */) return length >= 6 && before === 0x6e /* n */ && word.charCodeAt(length - 3) === 0x69 /* i */ ? length - 3 : length;
  if ((last === 0x64 /* d */ && before === 0x65) /* e */ || (last === 0x79 /* y */ && before === 0x6c) /* l */) return length - 2;
  return length;
}

/** Raw feature counts: the buckets a text touched, in ascending order, and each one's count (before IDF). */
export interface FeatureCounts {
  readonly indices: Uint16Array;
  readonly counts: Float64Array;
}

// Counts are summed into one table shared by every call, then read out and cleared: a Map cost
// more than everything else the embedder does. Safe because counting never yields mid-way.
const accumulator = new Float64Array(FEATURE_BUCKETS);
const touched = new Uint16Array(FEATURE_BUCKETS);

/**
 * The hashed features of a text, each with its kind's weight: stemmed words, word bigrams and
 * character trigrams inside words.
 */
export function countFeatures(tokens: readonly string[]): FeatureCounts {
  let size = 0;
  const add = (hash: number, weight: number) => {
    const bucket = hash & (FEATURE_BUCKETS - 1);
    if (accumulator[bucket] === 0) touched[size++] = bucket;
    accumulator[bucket]! += weight;
  };
  // Each key is hashed as it would be spelled (`w:word`, `b:word next`, `c:<wo`), but piece by piece:
  // FNV-1a reads one character after another, so neither the stems nor the keys are ever built. Each
  // character of a stem is read once, for everything it is part of: its word, the bigram the word
  // ends (continued from the previous word's `b:previous`), the bigram it starts, and its trigrams.
  // The counts are sums of quarters, exact in any order.
  let previousBigram = 0;
  for (let index = 0; index < tokens.length; index += 1) {
    const word = tokens[index]!;
    const length = stemLength(word);
    let wordHash = wordSeed;
    let bigramHash = bigramSeed;
    let endingBigram = index > 0 ? Math.imul(previousBigram ^ 0x20, 0x01000193) : 0;
    // The trigrams of `<stem>`, one per character of the stem: the three codes roll along.
    const trigrams = length + 2 > 5;
    let first = 0x3c; /* < */
    let second = 0;
    for (let position = 0; position < length; position += 1) {
      const code = word.charCodeAt(position);
      wordHash = Math.imul(wordHash ^ code, 0x01000193);
      bigramHash = Math.imul(bigramHash ^ code, 0x01000193);
      endingBigram = Math.imul(endingBigram ^ code, 0x01000193);
      if (position > 0 && trigrams) {
        add(Math.imul(Math.imul(Math.imul(trigramSeed ^ first, 0x01000193) ^ second, 0x01000193) ^ code, 0x01000193), 0.25);
        first = second;
      }
      second = code;
    }
    if (trigrams) add(Math.imul(Math.imul(Math.imul(trigramSeed ^ first, 0x01000193) ^ second, 0x01000193) ^ 0x3e /* > */, 0x01000193), 0.25);
    add(wordHash, 1);
    if (index > 0) add(endingBigram, 0.5);
    previousBigram = bigramHash;
  }
  const indices = touched.slice(0, size).sort();
  const counts = new Float64Array(size);
  for (let index = 0; index < size; index += 1) {
    counts[index] = accumulator[indices[index]!]!;
    accumulator[indices[index]!] = 0;
  }
  return { indices, counts };
}

const wordSeed = hashString('w:');
const bigramSeed = hashString('b:');
const trigramSeed = hashString('c:');

/** Turns feature counts into an L2-normalised sparse vector, scaling each bucket by its weight (IDF or learned). */
export function weightFeatures({ indices, counts }: FeatureCounts, weights: ArrayLike<number>): SparseVector {
  const values = new Float32Array(indices.length);
  let norm = 0;
  for (let index = 0; index < indices.length; index += 1) {
    const value = Math.sqrt(counts[index]!) * weights[indices[index]!]!;
    values[index] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let index = 0; index < values.length; index += 1) values[index]! *= scale;
  return { indices, values };
}

/** Cosine of two normalised sparse vectors (a merge over their sorted indices). */
export function sparseCosine(left: SparseVector, right: SparseVector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < left.indices.length && j < right.indices.length) {
    const a = left.indices[i]!;
    const b = right.indices[j]!;
    if (a === b) {
      sum += left.values[i]! * right.values[j]!;
      i += 1;
      j += 1;
    } else if (a < b) i += 1;
    else j += 1;
  }
  return sum;
}
