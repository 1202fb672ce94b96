/** The built-in PII types; custom patterns add their own upper-case names. */
export type BuiltInPiiType = 'EMAIL' | 'PHONE' | 'CREDIT_CARD' | 'IBAN' | 'US_SSN' | 'IP_ADDRESS' | 'API_KEY' | 'PERSON' | 'LOCATION';

/** One piece of PII found in a text: `text.slice(start, end) === value`. */
export interface PiiMatch {
  type: string;
  start: number;
  end: number;
  value: string;
}

/** Finds one kind of PII. Detectors are pure functions of the text. */
export interface PiiDetector {
  readonly type: string;
  /**
   * `digitRuns`: `digitRunStarts(text)`, when the caller has found them already (createPiiDetection
   * finds them once for all detectors); detectors whose values begin at a run of digits try their
   * pattern only there.
   */
  detect(text: string, digitRuns?: readonly number[]): PiiMatch[];
}

const DIGIT_RUN = /\d+/g;

/**
 * Where each run of ASCII digits starts, in text order. Card, SSN, IBAN, IPv4 and phone values
 * all begin at one (or one or two characters before it), and a prompt has few: trying a pattern
 * at these positions only, instead of scanning the whole text with it, finds the same matches in
 * a fraction of the time (bench/redaction.ts).
 */
export function digitRunStarts(text: string): number[] {
  const starts: number[] = [];
  DIGIT_RUN.lastIndex = 0;
  for (let match = DIGIT_RUN.exec(text); match !== null; match = DIGIT_RUN.exec(text)) starts.push(match.index);
  return starts;
}

/**
 * Whether `text` holds a digit, a dot and a digit (`/\d\.\d/.test(text)`), looked for only where
 * each run of digits ends: the regex tries every character of a prompt that has none.
 */
export function hasDottedDigits(text: string, digitRuns: readonly number[]): boolean {
  for (const start of digitRuns) {
    let end = start;
    while (isAsciiDigit(text.charCodeAt(end))) end++;
    if (end > start && text.charCodeAt(end) === 46 && isAsciiDigit(text.charCodeAt(end + 1))) return true;
  }
  return false;
}

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** A pattern every match of which begins at a run of digits (or just before one), in its two forms. */
export interface RunAnchoredPattern {
  /** For a scan of the whole text. */
  readonly global: RegExp;
  /** For a try at one position. */
  readonly sticky: RegExp;
}

export function runAnchored(pattern: RegExp): RunAnchoredPattern {
  const flags = pattern.flags.replace(/[gy]/g, '');
  return { global: new RegExp(pattern.source, `${flags}g`), sticky: new RegExp(pattern.source, `${flags}y`) };
}

// A try at one position costs about what scanning 64 characters does; a text with runs closer
// together than that (a pasted log of numbers) is scanned whole, which finds the same matches.
const CHARACTERS_PER_TRY = 64;

/**
 * What `findAll` finds with the global pattern. When the text has few runs of digits, the pattern
 * is tried only at `starts(digitRuns)` (ascending; every position a match can begin at), each past
 * the previous match's end, as a global search moves on from a match, accepted or not.
 */
export function findAllAtRuns(
  text: string,
  pattern: RunAnchoredPattern,
  digitRuns: readonly number[],
  type: string,
  accept?: (value: string, start: number) => boolean,
  starts: (digitRuns: readonly number[]) => readonly number[] = (runs) => runs,
): PiiMatch[] {
  if (digitRuns.length * CHARACTERS_PER_TRY > text.length) return findAll(text, pattern.global, type, accept);
  const matches: PiiMatch[] = [];
  const sticky = pattern.sticky;
  let from = 0;
  for (const start of starts(digitRuns)) {
    if (start < from) continue;
    sticky.lastIndex = start;
    const match = sticky.exec(text);
    if (match === null || match[0].length === 0) continue;
    const value = match[0];
    if (accept === undefined || accept(value, start)) matches.push({ type, start, end: start + value.length, value });
    from = start + value.length;
  }
  return matches;
}

/**
 * Keeps the first of overlapping matches, where earlier detectors in `priority` win over later
 * ones and, between equals, the longer match wins. A card number inside an IBAN stays part of it.
 * Linear in the matched characters (plus a sort): a pasted log has tens of thousands of matches,
 * and comparing each with every kept one took seconds per megabyte.
 */
export function resolveOverlaps(matches: PiiMatch[], priority: ReadonlyMap<string, number>, textLength?: number): PiiMatch[] {
  if (matches.length < 2) return matches;
  const rank = (match: PiiMatch) => priority.get(match.type) ?? priority.size;
  const byStrength = [...matches].sort((a, b) => rank(a) - rank(b) || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const length = textLength ?? matches.reduce((largest, match) => Math.max(largest, match.end), 0);
  const claimed = new Uint8Array(length);
  const kept: PiiMatch[] = [];
  for (const match of byStrength) {
    let free = true;
    for (let index = match.start; index < match.end && free; index += 1) free = claimed[index] === 0;
    if (!free) continue;
    claimed.fill(1, match.start, match.end);
    kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Whether one of `words` occurs within `before` characters before the span or `after` characters after it. */
export function hasContext(text: string, start: number, end: number, words: RegExp, before = 40, after = 20): boolean {
  return words.test(text.slice(Math.max(0, start - before), start)) || (after > 0 && words.test(text.slice(end, end + after)));
}

/** Runs a global regex and maps each match; `group` picks a capture group as the value. */
export function findAll(text: string, pattern: RegExp, type: string, accept?: (value: string, start: number) => boolean, group = 0): PiiMatch[] {
  const matches: PiiMatch[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const value = match[group];
    if (value === undefined || value.length === 0) {
      if (match[0].length === 0) pattern.lastIndex++;
      continue;
    }
    const start = match.index + match[0].indexOf(value);
    if (accept === undefined || accept(value, start)) matches.push({ type, start, end: start + value.length, value });
  }
  return matches;
}
