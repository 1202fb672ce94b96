/**
 * A text as the detectors read it, with the way back to the original: NFKC (full-width digits,
 * `＠`, no-break spaces become their plain forms), every dash to `-`, and zero-width characters
 * removed, so "4111\u200B1111…", "４１１１ １１１１…" and "+1 415–555–0123" match like their plain
 * spelling. A match `[start, end)` in `text` covers `original.slice(originalStart(start), originalEnd(end))`,
 * which is what gets replaced (zero-width characters inside a value go with it).
 */
export interface NormalisedText {
  readonly original: string;
  readonly text: string;
  /** Where the character at `index` of `text` starts in the original. */
  originalStart(index: number): number;
  /** Where the character before `index` of `text` ends in the original (for an exclusive end). */
  originalEnd(index: number): number;
}

// Zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, Mongolian vowel separator,
// invisible operators: they change nothing a reader sees, so a value may be split by them.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF]/;
// Hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus, small and
// full-width hyphen-minus: people and word processors write any of them inside phone numbers.
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/;
const NEEDS_WORK = /[^\x00-\x7F]/;

/** The text unchanged when it is plain ASCII (the common case costs one regex test). */
function identity(text: string): NormalisedText {
  return { original: text, text, originalStart: (index) => index, originalEnd: (index) => index };
}

/**
 * Normalises character by character (NFKC of each code point) so that every output character
 * maps to the input character it came from; linear in the length of the text.
 */
export function normaliseForDetection(original: string): NormalisedText {
  if (!NEEDS_WORK.test(original)) return identity(original);
  const pieces: string[] = [];
  // starts[i] / ends[i]: the original span of output unit i.
  const starts: number[] = [];
  const ends: number[] = [];
  let length = 0;
  for (let index = 0; index < original.length; ) {
    const codePoint = original.codePointAt(index)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const character = original.slice(index, index + width);
    let replacement: string;
    if (codePoint < 0x80) replacement = character;
    else if (INVISIBLE.test(character)) replacement = '';
    else if (DASHES.test(character)) replacement = '-';
    else replacement = character.normalize('NFKC');
    for (let unit = 0; unit < replacement.length; unit += 1) {
      starts.push(index);
      ends.push(index + width);
    }
    pieces.push(replacement);
    length += replacement.length;
    index += width;
  }
  const startTable = Int32Array.from(starts);
  const endTable = Int32Array.from(ends);
  return {
    original,
    text: pieces.join(''),
    originalStart: (index) => (index < length ? startTable[index]! : original.length),
    originalEnd: (index) => (index > 0 ? endTable[index - 1]! : 0),
  };
}
