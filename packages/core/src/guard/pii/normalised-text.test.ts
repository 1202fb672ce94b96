import { describe, expect, it } from 'vitest';
import { normaliseForDetection } from './normalised-text.js';
import { createPiiDetection } from './pii-detection.js';

const detect = createPiiDetection();
const found = (text: string) => detect(text).map(({ type, value }) => ({ type, value }));

describe('normalised detection (issue 15 item 7)', () => {
  it('maps every normalised character back to the original text', () => {
    const original = 'a\u200Bb４５\uFF20x\u2013y';
    const normalised = normaliseForDetection(original);
    expect(normalised.text).toBe('ab45@x-y');
    const at = normalised.text.indexOf('45@');
    expect(original.slice(normalised.originalStart(at), normalised.originalEnd(at + 3))).toBe('４５\uFF20');
  });

  it.each([
    ['dotted card', 'card 4111.1111.1111.1111 please', 'CREDIT_CARD', '4111.1111.1111.1111'],
    ['full-width card', 'card ４１１１ １１１１ １１１１ １１１１ please', 'CREDIT_CARD', '４１１１ １１１１ １１１１ １１１１'],
    ['card split by zero-width spaces', 'card 4111\u200B1111\u200B1111\u200B1111 ok', 'CREDIT_CARD', '4111\u200B1111\u200B1111\u200B1111'],
    ['en-dash phone', 'call +1 415\u2013555\u20130123 today', 'PHONE', '+1 415\u2013555\u20130123'],
    ['em-dash phone', 'ring 415\u2014555\u20140123', 'PHONE', '415\u2014555\u20140123'],
    ['separator-less 10-digit phone', 'it is 4155550123 if you need it', 'PHONE', '4155550123'],
    ['IDN e-mail, Latin', 'write to josé.müller@exämple.de now', 'EMAIL', 'josé.müller@exämple.de'],
    ['IDN e-mail, CJK', 'write to 用户@例子.广告 now', 'EMAIL', '用户@例子.广告'],
    ['e-mail with full-width at sign', 'write to ana\uFF20example.com now', 'EMAIL', 'ana\uFF20example.com'],
    ['e-mail with a zero-width space inside', 'write to ana\u200B.lopez@exam\u200Bple.com now', 'EMAIL', 'ana\u200B.lopez@exam\u200Bple.com'],
    ['e-mail starting with an underscore', 'write to _ops@example.com now', 'EMAIL', '_ops@example.com'],
    ['9-digit SSN without context', 'mine is 536227845 as on file', 'US_SSN', '536227845'],
    ['SSN with en-dashes', 'mine is 536\u201322\u20137845', 'US_SSN', '536\u201322\u20137845'],
    ['SSN with zero-width joiners', 'mine is 536-22\u200D-7845', 'US_SSN', '536-22\u200D-7845'],
  ])('finds a %s', (_name, text, type, value) => {
    expect(found(text)).toContainEqual({ type, value });
  });

  it('leaves numbers that are not PII alone', () => {
    for (const text of [
      'the build took 1717171717 ms', // a Unix time: area code 171 is not a North American one
      'order 536227845 shipped', // nine digits announced as another kind of number
      'version 1.2.3.4 of the package',
      'the total was 4,111,111,111 dollars',
      'released on 2024-05-06 at 10:30',
      'population 331449281 in 2020',
      'ISBN 978-0-306-40615-7',
    ]) {
      expect(found(text), text).toEqual([]);
    }
  });
});
