import { describe, expect, it } from 'vitest';
import { seededRandom } from '../routing/training/logistic-regression.js';
import { countFeatures, FEATURE_BUCKETS, hashString, isAscii, tokenize } from './text-features.js';

// The ASCII path as first written: the pattern over the lower-cased text, then contractions and possessives.
function referenceAsciiTokens(text: string): string[] {
  const contractions = new Map(Object.entries({ "what's": ['what', 'is'], "it's": ['it', 'is'], "can't": ['can', 'not'], "don't": ['do', 'not'], "i'm": ['i', 'am'], "you're": ['you', 'are'], "i'd": ['i', 'would'] }));
  const tokens: string[] = [];
  for (const word of text.toLowerCase().match(/[a-z0-9]+(?:[+#]+|'[a-z]+)?/g) ?? []) {
    if (!word.includes("'")) tokens.push(word);
    else if (contractions.has(word)) tokens.push(...contractions.get(word)!);
    else if (word.endsWith("'s")) tokens.push(word.slice(0, -2));
    else tokens.push(word);
  }
  return tokens;
}

describe('tokenize', () => {
  it('reads ASCII text in one pass exactly as the pattern did, on generated text full of edge cases', () => {
    // Pieces that stress the scanner: apostrophes before letters, digits, marks and the end; runs of + and #; capitals; contractions.
    const pieces = ["'", "'s", "'S", "'t", "''", '+', '#', '++', '+#', 'c', 'C', 'x', '9', '42', ' ', ' ', '.', ',', '-', '_', '\t', '\n', '"', '/', 'Ab', 'what', "WHAT'S", "it's", "Can't", "don't", "i'm", "you're", "I'd", "o'brien", 's', 'T', '~', '\u007f', '\u0000'];
    const random = seededRandom(11);
    for (let sample = 0; sample < 20_000; sample += 1) {
      let text = '';
      for (let count = Math.floor(random() * 12); count > 0; count -= 1) text += pieces[Math.floor(random() * pieces.length)];
      expect(tokenize(text), JSON.stringify(text)).toEqual(referenceAsciiTokens(text));
    }
    // Texts longer than the scanner's buffer, then a short one over what they left in it.
    for (const count of [3000, 9000, 20]) {
      const text = Array.from({ length: count }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      expect(tokenize(text)).toEqual(referenceAsciiTokens(text));
    }
    expect(tokenize('word '.repeat(2000)).length).toBe(2000);
    expect(tokenize('b')).toEqual(['b']);
  });


  it('reads plain ASCII text (its fast path) exactly as the Unicode path reads it', () => {
    const texts = [
      "What's the difference between C++ and C# in 2024? Don't say it's Java's fault; I'm asking O'Brien.",
      'user_id=42, rate 3.5% of $1,200 -- see https://example.com/a-b?c=d#frag (x^2 + 2x + 1) [TODO] {json: true}',
      "  MIXED case\tTabs\nnew-lines, the dog's bone, the dogs' bones, rock'n'roll, 'quoted' ",
    ];
    // A non-ASCII word at the end sends the text down the Unicode path; its tokens before it must be the same.
    for (const text of texts) expect(tokenize(`${text} é`)).toEqual([...tokenize(text), 'é']);
  });
});

// The features as first written, building every stem and key as a string: the shipped weights were
// trained on exactly these buckets, so the string-free version must give the same ones.
function referenceFeatures(tokens: readonly string[]): Map<number, number> {
  const stem = (word: string) => {
    if (word.length <= 4) return word;
    for (const suffix of ['ing', 'ies', 'es', 's', 'ed', 'ly']) if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, -suffix.length);
    return word;
  };
  const counts = new Map<number, number>();
  const add = (key: string, weight: number) => {
    const bucket = hashString(key) & (FEATURE_BUCKETS - 1);
    counts.set(bucket, (counts.get(bucket) ?? 0) + weight);
  };
  const stems = tokens.map(stem);
  stems.forEach((word, index) => {
    add(`w:${word}`, 1);
    if (index + 1 < stems.length) add(`b:${word} ${stems[index + 1]}`, 0.5);
    const padded = `<${word}>`;
    if (padded.length > 5) for (let start = 0; start + 3 <= padded.length; start++) add(`c:${padded.slice(start, start + 3)}`, 0.25);
  });
  return counts;
}

describe('countFeatures', () => {
  it('gives the buckets and counts of the string-building reference, stems included', () => {
    const words = ['a', 'is', 'the', 'sing', 'going', 'things', 'ties', 'cries', 'parties', 'goes', 'boxes', 'was', 'cats', 'used', 'bored', 'fly', 'only', 'quickly',
      'reading', 'red', 'bed', 'ring', 'king', 'string', 'ss', 'glass', 'classes', '2024', 'c++', 'c#', "o'brien", 'é', 'über', 'naïve', 'straße', 'x'];
    const random = seededRandom(7);
    const texts = [
      "What's the difference between C++ and C# in 2024? Don't say it's Java's fault.",
      'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25),
      ...Array.from({ length: 200 }, () => Array.from({ length: 1 + Math.floor(random() * 30) }, () => words[Math.floor(random() * words.length)]).join(' ')),
      '',
    ];
    for (const text of texts) {
      const tokens = tokenize(text);
      const { indices, counts } = countFeatures(tokens);
      const reference = referenceFeatures(tokens);
      expect([...indices]).toEqual([...reference.keys()].sort((left, right) => left - right));
      indices.forEach((bucket, index) => expect(counts[index]).toBeCloseTo(reference.get(bucket)!, 9));
    }
  });
});

describe('isAscii', () => {
  it('agrees with the pattern on generated text around every boundary: 0x7f/0x80, Latin-1, two-byte units, lone and paired surrogates', () => {
    const units = [0x00, 0x09, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0xa0, 0xe9, 0xff, 0x100, 0x2019, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfeff, 0xffff];
    const random = seededRandom(3);
    for (let sample = 0; sample < 20_000; sample += 1) {
      // Mostly ASCII, as prompts are, so that a single other unit anywhere must be found.
      const text = String.fromCharCode(...Array.from({ length: Math.floor(random() * 40) }, () => (random() < 0.9 ? 0x20 + Math.floor(random() * 0x5f) : units[Math.floor(random() * units.length)]!)));
      expect(isAscii(text), JSON.stringify(text)).toBe(!/[^\x00-\x7F]/.test(text));
      // Answered from what tokenize measured, for the text it read last.
      tokenize(text);
      expect(isAscii(text), JSON.stringify(text)).toBe(!/[^\x00-\x7F]/.test(text));
    }
  });
});
