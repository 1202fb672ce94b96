import { createRequire } from 'node:module';
import type { PiiDetector, PiiMatch } from './pii-match.js';

interface CompromiseMatch {
  offset: { start: number; length: number };
}
interface CompromiseView {
  json(options: { offset: true }): CompromiseMatch[];
}
type Compromise = (text: string) => { people(): CompromiseView; places(): CompromiseView };

let loaded: Compromise | undefined;

// compromise takes ~0.3 s to load and ~30 ms per 2,000 characters, so it is loaded on first use
// only, by the few who turn name detection on (it is off by default; see bench/redaction.ts).
function compromise(): Compromise {
  loaded ??= createRequire(import.meta.url)('compromise') as Compromise;
  return loaded;
}

function toMatches(text: string, type: string, found: CompromiseMatch[]): PiiMatch[] {
  const matches: PiiMatch[] = [];
  for (const { offset } of found) {
    const raw = text.slice(offset.start, offset.start + offset.length);
    // compromise's spans include trailing punctuation and possessives ("Paris.", "Anna's").
    const value = raw.replace(/(?:['’]s)?[^\p{L}\p{M}]+$/u, '').replace(/['’]s$/u, '');
    if (value.length > 1) matches.push({ type, start: offset.start, end: offset.start + value.length, value });
  }
  return matches;
}

/** Person names found by compromise's rule-based tagger (English). */
export const personDetector: PiiDetector = {
  type: 'PERSON',
  detect(text: string): PiiMatch[] {
    return /\p{Lu}/u.test(text) ? toMatches(text, 'PERSON', compromise()(text).people().json({ offset: true })) : [];
  },
};

/** Places (cities, countries, regions) found by compromise's rule-based tagger (English). */
export const locationDetector: PiiDetector = {
  type: 'LOCATION',
  detect(text: string): PiiMatch[] {
    return /\p{Lu}/u.test(text) ? toMatches(text, 'LOCATION', compromise()(text).places().json({ offset: true })) : [];
  },
};
