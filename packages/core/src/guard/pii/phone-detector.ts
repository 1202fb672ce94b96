import { digitRunStarts, findAllAtRuns, hasContext, runAnchored, type PiiDetector, type PiiMatch } from './pii-match.js';

// One loose shape for the many ways people write numbers: an optional international prefix and
// "(0)", an optional area code in parentheses, digit groups split by one space, dash or dot, and an
// optional extension. Whether a match is a phone number is decided afterwards.
// A match begins at a run of digits or at the `+` or `(` just before one: see findAllAtRuns.
const phonePattern = runAnchored(/(?<![\w+@/.:-])(?<!\d,)(?:(?:\+|\b00)\d{1,3}[ .-]?(?:\(0\)[ .-]?)?|\d{1,2}[ .-]?(?=\())?(?:\(\d{1,5}\)[ .-]?)?\d{1,14}(?:[ .-]\d{1,10}){0,5}(?:[ ]?(?:x|ext\.?|#)[ ]?\d{1,6})?(?![\w@]|[.,:-]?\d)/gi);
const extension = /[ ]?(?:x|ext\.?|#)[ ]?\d{1,6}$/i;
const datePattern = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:$|[ T])|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$)/;
const northAmerican = /^(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[.-]\d{4}$/;
const beforeWords = /\b(?:phone|phones|tel|telephone|call|called|calling|mobile|cell|cellphone|fax|desk|office|contact|number|reach|text|sms|whatsapp|dial|ring|messages? (?:to|from)|answering at|registered|hotline|landline)\b/i;
const BARE_NORTH_AMERICAN = /^[2-9]\d{2}[2-9]\d{6}$/;
// Ten bare digits after these are that kind of number, not a phone number.
const otherNumberBefore = /\b(?:order|invoice|account|acct|ref|reference|ticket|tracking|id|customer|transaction|isbn|serial|routing)\W{0,3}(?:n(?:o|umber)\.?\W{0,3}|#\W{0,2})?$/i;
const afterWords = /^\W{0,3}(?:office|fax|mobile|cell|home|work|phone|tel)\b/i;

function digitCount(value: string): number {
  let count = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
}

/** Shapes that are phone numbers wherever they appear; anything else needs a context word. */
function isSelfEvident(value: string, core: string, digits: number): boolean {
  if (/^(?:\+|00)/.test(value) || value !== core) return digits >= 8;
  if (core.includes('(')) return digits >= 8;
  if (northAmerican.test(core)) return true;
  // Ten bare digits with a valid North American area code and exchange (both start with 2-9):
  // "4155550123" is how phone numbers are stored and pasted; Unix times (1…) do not qualify.
  if (BARE_NORTH_AMERICAN.test(core)) return true;
  // A trunk prefix and separators ("07911 123456", "06-12345678") are rarely anything but a phone.
  if (/^0[1-9]\d*[ .-]\d/.test(core) && digits >= 10) return true;
  const groups = core.split(/[ .-]/);
  // "10 20 30 40 50" is a list of numbers; phone numbers lead with an area code of three or more digits.
  return groups.length >= 3 && digits >= 9 && groups.every((group) => group.length >= 2) && (groups[0]!.length >= 3 || groups[0]!.startsWith('0'));
}

/** Each run of digits, preceded by the `+` or `(` just before it. */
function phoneStarts(text: string): (digitRuns: readonly number[]) => number[] {
  return (digitRuns) => {
    const starts: number[] = [];
    for (const start of digitRuns) {
      const before = text.charCodeAt(start - 1);
      if (before === 43 || before === 40) starts.push(start - 1);
      starts.push(start);
    }
    return starts;
  };
}

/** Whether a match of the loose pattern is a phone number: its shape, or the words around it. */
function isPhoneNumber(text: string, value: string, start: number): boolean {
  const core = value.replace(extension, '');
  const digits = digitCount(core);
  if (digits < 7 || digits > 15 || datePattern.test(core)) return false;
  const end = start + value.length;
  const evident = isSelfEvident(value, core, digits) && !(BARE_NORTH_AMERICAN.test(core) && otherNumberBefore.test(text.slice(Math.max(0, start - 32), start)));
  return evident || hasContext(text, start, end, beforeWords, 40, 0) || afterWords.test(text.slice(end, end + 12));
}

export const phoneDetector: PiiDetector = {
  type: 'PHONE',
  detect(text: string, digitRuns = digitRunStarts(text)): PiiMatch[] {
    return findAllAtRuns(text, phonePattern, digitRuns, 'PHONE', (value, start) => isPhoneNumber(text, value, start), phoneStarts(text));
  },
};
