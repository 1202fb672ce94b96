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
// Any UTF-16 unit past ASCII (a negated class, [^\x00-\x7F], is the same set and ~40% slower to scan).
const NEEDS_WORK = /[\u0080-\uFFFF]/;
const NON_ASCII_RUNS = /[^\x00-\x7F]+/g;
const INVISIBLE_OR_DASH = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/;

/** The text unchanged when it is plain ASCII (the common case costs one regex test). */
function identity(text: string): NormalisedText {
  return { original: text, text, originalStart: (index) => index, originalEnd: (index) => index };
}

/**
 * Normalises the non-ASCII characters one code point at a time (NFKC of each) so that every
 * output character maps to the input character it came from; ASCII runs, and runs of non-ASCII
 * text that NFKC leaves as they are (most CJK, accented Latin), are copied whole. The map back is
 * a list of segments, each either copied (offset by a constant) or one replaced character; linear
 * in the length of the text.
 */
export function normaliseForDetection(original: string): NormalisedText {
  if (!NEEDS_WORK.test(original)) return identity(original);
  const pieces: string[] = [];
  // Segment i covers output [outputStarts[i], outputStarts[i + 1]) and came from original
  // [originalStarts[i], originalEnds[i]); `copied` segments map unit for unit.
  const outputStarts: number[] = [];
  const originalStarts: number[] = [];
  const originalEnds: number[] = [];
  const copied: boolean[] = [];
  let length = 0;
  const push = (text: string, from: number, to: number, isCopy: boolean) => {
    outputStarts.push(length);
    originalStarts.push(from);
    originalEnds.push(to);
    copied.push(isCopy);
    pieces.push(text);
    length += text.length;
  };
  let cursor = 0;
  for (const run of original.matchAll(NON_ASCII_RUNS)) {
    if (run.index > cursor) push(original.slice(cursor, run.index), cursor, run.index, true);
    const text = run[0];
    if (!INVISIBLE_OR_DASH.test(text) && text.normalize('NFKC') === text) push(text, run.index, run.index + text.length, true);
    else {
      for (let index = 0; index < text.length; ) {
        const codePoint = text.codePointAt(index)!;
        const width = codePoint > 0xffff ? 2 : 1;
        const character = text.slice(index, index + width);
        const replacement = INVISIBLE.test(character) ? '' : DASHES.test(character) ? '-' : character.normalize('NFKC');
        const from = run.index + index;
        if (replacement.length > 0) push(replacement, from, from + width, replacement === character);
        index += width;
      }
    }
    cursor = run.index + text.length;
  }
  if (cursor < original.length) push(original.slice(cursor), cursor, original.length, true);
  const segmentOf = (index: number) => {
    // The last segment whose output start is at or before `index`.
    let low = 0;
    let high = outputStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (outputStarts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  return {
    original,
    text: pieces.join(''),
    originalStart(index) {
      if (index >= length) return original.length;
      const segment = segmentOf(index);
      return copied[segment] ? originalStarts[segment]! + index - outputStarts[segment]! : originalStarts[segment]!;
    },
    originalEnd(index) {
      if (index <= 0) return 0;
      const segment = segmentOf(index - 1);
      return copied[segment] ? originalStarts[segment]! + index - outputStarts[segment]! : originalEnds[segment]!;
    },
  };
}
