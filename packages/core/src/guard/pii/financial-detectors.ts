import { isIPv4 } from 'node:net';
import { isPlausibleSsn, passesIbanChecksum, passesLuhn } from './checksums.js';
import { digitRunStarts, findAllAtRuns, hasContext, runAnchored, type PiiDetector, type PiiMatch } from './pii-match.js';

// 12 to 19 digits, either in one run or in the groups printed on cards (4-4-4-4[-3], 4-6-5), split
// by spaces, dashes or dots. Loose grouping would swallow phone numbers; the Luhn check then keeps
// one random number in ten.
// Each pattern here begins at a run of digits (an IBAN two letters before one): see findAllAtRuns.
const cardPattern = runAnchored(/(?<![\w.,+-])(?:\d{12,19}|\d{4}([ .-])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}([ .-])\d{6}\2\d{4,5})(?![\w]|[.,-]\d)/g);

export const creditCardDetector: PiiDetector = {
  type: 'CREDIT_CARD',
  detect(text: string, digitRuns = digitRunStarts(text)): PiiMatch[] {
    return findAllAtRuns(text, cardPattern, digitRuns, 'CREDIT_CARD', (value) => passesLuhn(value) && !isIPv4(value));
  },
};

const ibanPattern = runAnchored(/(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?(?![A-Za-z0-9])/g);

/** Two characters before each run of digits: where an IBAN's country code would be. (An array: a generator here cost more than the search.) */
function countryCodeStarts(digitRuns: readonly number[]): number[] {
  const starts: number[] = [];
  for (const start of digitRuns) if (start >= 2) starts.push(start - 2);
  return starts;
}

/** The longest prefix of a spaced candidate (dropping whole trailing words) that passes mod-97. */
function validIbanPrefix(candidate: string): string | undefined {
  let value = candidate;
  for (;;) {
    if (passesIbanChecksum(value)) return value;
    const lastSpace = value.lastIndexOf(' ');
    if (lastSpace < 15) return undefined;
    value = value.slice(0, lastSpace);
  }
}

export const ibanDetector: PiiDetector = {
  type: 'IBAN',
  detect(text: string, digitRuns = digitRunStarts(text)): PiiMatch[] {
    const matches: PiiMatch[] = [];
    for (const candidate of findAllAtRuns(text, ibanPattern, digitRuns, 'IBAN', undefined, countryCodeStarts)) {
      const value = validIbanPrefix(candidate.value);
      if (value !== undefined) matches.push({ type: 'IBAN', start: candidate.start, end: candidate.start + value.length, value });
    }
    return matches;
  },
};

const dashedSsnPattern = runAnchored(/(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])/g);
const plainSsnPattern = runAnchored(/(?<![\w.,$€£¥-])\d{3} ?\d{2} ?\d{4}(?![\w-]|[.,]\d)/g);
const ssnContext = /\b(?:ssn|social security|ss#|ss no)/i;
// Nine digits after these are an account, order or reference number more often than an SSN.
const otherNumberContext = /\b(?:order|invoice|account|acct|ref|reference|ticket|tracking|id|no\.?|number|population|isbn|routing|phone|tel|call|fax|mobile)\W{0,3}$/i;

export const usSsnDetector: PiiDetector = {
  type: 'US_SSN',
  detect(text: string, digitRuns = digitRunStarts(text)): PiiMatch[] {
    const dashed = findAllAtRuns(text, dashedSsnPattern, digitRuns, 'US_SSN', (value) => isPlausibleSsn(value.replace(/-/g, '')));
    // Nine bare digits that the SSA could have issued are taken as an SSN (a leak costs more than
    // a redacted order number), unless the words before them name another kind of number.
    const plain = findAllAtRuns(text, plainSsnPattern, digitRuns, 'US_SSN', (value, start) => {
      if (!isPlausibleSsn(value.replace(/ /g, ''))) return false;
      return hasContext(text, start, start + value.length, ssnContext, 40, 0) || !otherNumberContext.test(text.slice(Math.max(0, start - 24), start));
    });
    return [...dashed, ...plain];
  },
};
