import { describe, expect, it } from 'vitest';
import { passesIbanChecksum, passesLuhn } from './checksums.js';
import { createPiiDetection } from './pii-detection.js';

const detect = createPiiDetection();
const found = (text: string) => detect(text).map((match) => [match.type, match.value]);

describe('checksums', () => {
  it('accepts a valid Luhn number and rejects the same with one digit changed', () => {
    expect(passesLuhn('4454794511390933')).toBe(true);
    expect(passesLuhn('4454794511390934')).toBe(false);
  });

  it('checks IBANs by mod-97 in any case and with spaces', () => {
    expect(passesIbanChecksum('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(passesIbanChecksum('gb82west12345698765432')).toBe(true);
    expect(passesIbanChecksum('GB83WEST12345698765432')).toBe(false);
  });
});

describe('PII detection', () => {
  it('finds emails', () => {
    expect(found('write to Ana.Lopez+work@mail.example.co.uk today')).toEqual([['EMAIL', 'Ana.Lopez+work@mail.example.co.uk']]);
  });

  it('finds card numbers that pass Luhn, plain or grouped, and ignores those that do not', () => {
    expect(found('card 4454794511390933 and 4111 1111 1111 1111 and 4111-1111-1111-1111')).toEqual([
      ['CREDIT_CARD', '4454794511390933'],
      ['CREDIT_CARD', '4111 1111 1111 1111'],
      ['CREDIT_CARD', '4111-1111-1111-1111'],
    ]);
    expect(found('order 4454794511390934 shipped')).toEqual([]);
  });

  it('finds IBANs without swallowing the next word', () => {
    expect(found('pay GB82 WEST 1234 5698 7654 32 Text now')).toEqual([['IBAN', 'GB82 WEST 1234 5698 7654 32']]);
    expect(found('iban gb42nawi04454264788619.')).toEqual([['IBAN', 'gb42nawi04454264788619']]);
    expect(found('ref GB83WEST12345698765432')).toEqual([]);
  });

  it('finds dashed SSNs, and bare ones only after SSN context', () => {
    expect(found("Here's my SSN: 460-89-9847")).toEqual([['US_SSN', '460-89-9847']]);
    expect(found('social security number 460 89 9847')).toEqual([['US_SSN', '460 89 9847']]);
    expect(found('invoice 460899847 paid')).toEqual([]);
    expect(createPiiDetection({ types: ['US_SSN'] })('000-12-3456 is not issued')).toEqual([]);
  });

  it('finds IPv4 and IPv6 addresses but lets context keep version strings', () => {
    expect(found('server at 106.31.73.20 and 6e40:4041:c617:e898:c11:40d2:c669:2eb4')).toEqual([
      ['IP_ADDRESS', '106.31.73.20'],
      ['IP_ADDRESS', '6e40:4041:c617:e898:c11:40d2:c669:2eb4'],
    ]);
    expect(found('upgrade to version 1.2.3.4 or v10.0.0.1')).toEqual([]);
    expect(found('the meeting is at 12:20:39')).toEqual([]);
  });

  it('finds phone numbers in international formats', () => {
    for (const phone of ['8 (495) 123-45-67', '1 (800) 555 0199', '07911 123456', '+49(0)30 12345678', '+1-984-182-0190', '+46 (0)8 928 571 38', '+447700 921 916', '(898)666-3621x0135', '905-674-3793', '03.93.92.16.85', '0490 75 40 81']) {
      expect(found(`reach me: ${phone}`)).toEqual([['PHONE', phone]]);
    }
  });

  it('takes short numbers as phones only next to a context word', () => {
    expect(found('Can someone call me on 9472 7916?')).toEqual([['PHONE', '9472 7916']]);
    expect(found('781 1704 office')).toEqual([['PHONE', '781 1704']]);
    expect(found('We sold 9472 7916 units in 1977.')).toEqual([]);
    expect(found('scores: 10 20 30 40 50')).toEqual([]);
    expect(found('Order date: 2021-03-04 12:20:39')).toEqual([]);
  });

  it('finds provider API keys and tokens', () => {
    const keys = [
      'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789',
      'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789',
      'AKIAIOSFODNN7EXAMPLE',
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'sk_live_abcdefghijklmnop1234',
      'xoxb-1234567890-abcdefghij',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      // One of each remaining pattern: the prefix pass in front of them (secret-detector.ts) must let each through.
      'ASIAIOSFODNN7EXAMPLE',
      'gho_abcdefghijklmnopqrstuvwxyz0123456789',
      'github_pat_abcdefghijklmnopqrstuvwxyz0123',
      'rk_test_abcdefghijklmnop1234',
      'whsec_abcdefghijklmnopqrstuvwxyz',
      'https://hooks.slack.com/services/T000/B000/XXXXXXXX',
      'AIzaSyA1234567890abcdefghijklmnopqrstuv',
    ];
    for (const key of keys) expect(found(`key=${key} ok`)).toEqual([['API_KEY', key]]);
    expect(found('Authorization: Bearer abcdefghijklmnop123456')).toEqual([['API_KEY', 'abcdefghijklmnop123456']]);
    expect(found('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual([['API_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']]);
  });

  it('applies custom patterns before built-in detectors', () => {
    const custom = createPiiDetection({ customPatterns: [{ name: 'EMPLOYEE_ID', pattern: /\bE-\d{6}\b/ }] });
    expect(custom('badge E-123456, mail a@b.io').map((match) => [match.type, match.value])).toEqual([
      ['EMPLOYEE_ID', 'E-123456'],
      ['EMAIL', 'a@b.io'],
    ]);
  });

  it('finds person names with compromise when turned on', () => {
    const names = createPiiDetection({ types: ['PERSON'] });
    expect(names('My name is John Smith.').map((match) => match.value)).toEqual(['John Smith']);
  });

  it('rejects unknown types and bad custom names, naming the field', () => {
    expect(() => createPiiDetection({ types: ['SHOE_SIZE'] })).toThrow(/types/);
    expect(() => createPiiDetection({ customPatterns: [{ name: 'bad name', pattern: 'x' }] })).toThrow(/customPatterns/);
  });
});
