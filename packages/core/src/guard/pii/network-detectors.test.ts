import { isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../routing/training/logistic-regression.js';
import { ipAddressDetector } from './network-detectors.js';

// The IPv6 scan runs only on texts with two colons at most four hex digits apart; every address the
// pattern can match has such a pair. This compares the detector with the scan it skips, on text
// built from the pieces addresses (and near misses) are made of.
const ipv6Pattern = /(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:|::)(?:[0-9A-Fa-f]{0,4}:){1,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;
const pieces = ['1', '0', 'a', 'F', 'ff', 'db8', '2001', 'fe80', '12345', ':', ':', '::', '.', ' ', ' ', 'g', 'x', 'Question', '10:30', '\n', '-', '%', '[', ']'];

function everyIpv6(text: string): string[] {
  return [...text.matchAll(ipv6Pattern)].map((match) => match[0]).filter((value) => {
    if (!isIPv6(value)) return false;
    const groups = value.split(':').filter((group) => group.length > 0).length;
    return groups >= 3 || (value.includes('::') && groups >= 2);
  });
}

describe('ipAddressDetector, IPv6', () => {
  it('finds every address the whole-text scan finds', () => {
    const random = seededRandom(11);
    let found = 0;
    for (let index = 0; index < 20_000; index++) {
      let text = 'host ';
      const length = 2 + Math.floor(random() * 24);
      for (let piece = 0; piece < length; piece++) text += pieces[Math.floor(random() * pieces.length)];
      const expected = everyIpv6(text);
      const detected = ipAddressDetector.detect(text).filter((match) => match.value.includes(':')).map((match) => match.value);
      expect(detected, text).toEqual(expected);
      found += expected.length;
    }
    // The generated texts hold addresses, not only near misses.
    expect(found).toBeGreaterThan(100);
  });

  it('finds an address in prose that has other colons, and one whose groups are all four digits', () => {
    expect(ipAddressDetector.detect('Question: is 2001:db8::1 reachable? Answer: no').map((match) => match.value)).toEqual(['2001:db8::1']);
    expect(ipAddressDetector.detect('from 2001:0db8:85a3:0000:0000:8a2e:0370:7334 today').map((match) => match.value)).toEqual(['2001:0db8:85a3:0000:0000:8a2e:0370:7334']);
  });
});
