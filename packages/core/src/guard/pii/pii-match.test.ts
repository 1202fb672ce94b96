import { describe, expect, it } from 'vitest';
import { creditCardDetector, ibanDetector, usSsnDetector } from './financial-detectors.js';
import { ipAddressDetector } from './network-detectors.js';
import { phoneDetector } from './phone-detector.js';
import { seededRandom } from '../../routing/training/logistic-regression.js';
import { digitRunStarts, hasDottedDigits } from './pii-match.js';

// The detectors of values that begin at a run of digits try their patterns only at the runs (or
// just before them) when a text has few, and scan it whole when it has many. Given every position
// of a text as a "run", they scan it whole: both ways must find the same, or a start was left out.
// The generated values sit inside prose, so that the runs are few.
const detectors = [creditCardDetector, ibanDetector, usSsnDetector, ipAddressDetector, phoneDetector];
const pieces = ['0', '1', '4', '5', '9', '41', '555', '0123', '4111', ' ', ' ', '-', '.', '+', '(', ')', '(0)', 'x', 'ext', '#', ',', '$', ':', '/', '@', 'GB', 'GB82 ', 'WEST', 'a', 'Z', 'phone ', 'ssn ', 'order ', 'ip ', 'version ', 'call '];

const filler = 'the quick brown fox jumps over a lazy dog. '.repeat(40);

function generated(count: number): string[] {
  let seed = 2026;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: count }, () => {
    let text = '';
    const length = 4 + Math.floor(random() * 40);
    for (let index = 0; index < length; index++) text += pieces[Math.floor(random() * pieces.length)];
    return `${filler}${text}${filler}`;
  });
}

describe('digitRunStarts', () => {
  it('gives where each run of ASCII digits starts', () => {
    expect(digitRunStarts('call +1 (415) 555-0123, not ４')).toEqual([6, 9, 14, 18]);
    expect(digitRunStarts('no digits here')).toEqual([]);
  });
});

describe('hasDottedDigits', () => {
  it('says what /\\d\\.\\d/ says, from the runs of digits or from every position', () => {
    const random = seededRandom(5);
    const parts = ['1', '22', '.', '..', ' ', 'a', '٣', '１', '-', '.5', '7.'];
    let dotted = 0;
    for (let index = 0; index < 20_000; index++) {
      let text = '';
      for (let part = 0, length = Math.floor(random() * 12); part < length; part++) text += parts[Math.floor(random() * parts.length)];
      const expected = /\d\.\d/.test(text);
      expect(hasDottedDigits(text, digitRunStarts(text)), text).toBe(expected);
      expect(hasDottedDigits(text, Array.from({ length: text.length }, (_, position) => position)), text).toBe(expected);
      if (expected) dotted += 1;
    }
    expect(dotted).toBeGreaterThan(1000);
  });
});

describe('detectors that try their patterns at runs of digits', () => {
  const texts = [
    ...generated(1500),
    ...['+1 (415) 555-0123', '(415) 555-0123 is my number', 'GB82 WEST 1234 5698 7654 32', 'GB82WEST12345698765432', 'card 4111 1111 1111 1111, ssn 123-45-6789, ip 10.0.0.1', 'call 0044 20 7946 0958 ext 12'].flatMap((text) => [
      text,
      `${filler}${text}`,
      `${text}${filler}`,
    ]),
  ];
  for (const detector of detectors) {
    it(`${detector.type}: finds what a scan at every position finds`, () => {
      let found = 0;
      for (const text of texts) {
        const everywhere = detector.detect(text, Array.from({ length: text.length }, (_, index) => index));
        expect(detector.detect(text), text).toEqual(everywhere);
        found += everywhere.length;
      }
      // The generated texts hold values of every one of these types.
      expect(found).toBeGreaterThan(0);
    });
  }
});
