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
  detect(text: string): PiiMatch[];
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
