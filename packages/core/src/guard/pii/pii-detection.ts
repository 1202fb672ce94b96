import { creditCardDetector, ibanDetector, usSsnDetector } from './financial-detectors.js';
import { locationDetector, personDetector } from './name-detector.js';
import { emailDetector, ipAddressDetector } from './network-detectors.js';
import { phoneDetector } from './phone-detector.js';
import { normaliseForDetection } from './normalised-text.js';
import { digitRunStarts, findAll, resolveOverlaps, type PiiDetector, type PiiMatch } from './pii-match.js';
import { secretDetector } from './secret-detector.js';

/** A pattern of the user's own: every match is PII of type `name`. */
export interface CustomPiiPattern {
  /** The type name, used in placeholders (`<EMPLOYEE_ID_1>`): upper case, digits and `_`. */
  name: string;
  /** A regex (the `g` flag is added) or its source. */
  pattern: RegExp | string;
}

export interface PiiDetectionOptions {
  /** The built-in types to look for; defaults to `defaultPiiTypes`. */
  types?: readonly string[];
  /** Extra patterns; they win over built-in detectors where they overlap. */
  customPatterns?: readonly CustomPiiPattern[];
}

/** Strongest first: where two detectors claim overlapping text, the earlier one keeps it. */
const builtInDetectors: readonly PiiDetector[] = [
  secretDetector,
  emailDetector,
  ibanDetector,
  creditCardDetector,
  usSsnDetector,
  ipAddressDetector,
  phoneDetector,
  personDetector,
  locationDetector,
];

/** Every built-in type. */
export const allPiiTypes: readonly string[] = builtInDetectors.map((detector) => detector.type);

/**
 * The types on by default. PERSON and LOCATION are off: compromise finds about six names in ten on
 * the synthetic set and costs ~30 ms per 2,000 characters (scripts/pii-eval.ts, bench/redaction.ts).
 */
export const defaultPiiTypes: readonly string[] = allPiiTypes.filter((type) => type !== 'PERSON' && type !== 'LOCATION');

const typeName = /^[A-Z][A-Z0-9_]*$/;
// Every value these find has digits (an IPv6 address may not: "fe80::abcd", so IP_ADDRESS is not here).
const NEEDS_DIGIT: ReadonlySet<PiiDetector> = new Set([ibanDetector, creditCardDetector, usSsnDetector, phoneDetector]);

function customDetector(custom: CustomPiiPattern): PiiDetector {
  if (!typeName.test(custom.name)) throw new RangeError(`customPatterns name must match ${typeName}, got "${custom.name}"`);
  const source = typeof custom.pattern === 'string' ? new RegExp(custom.pattern, 'g') : custom.pattern;
  const pattern = source.global ? source : new RegExp(source.source, `${source.flags}g`);
  return { type: custom.name, detect: (text) => findAll(text, pattern, custom.name) };
}

/**
 * Builds the function that finds PII in a text: non-overlapping matches, in text order. The text
 * is normalised first (NFKC, dashes, zero-width characters: normalised-text.ts) and each match is
 * mapped back, so `start`, `end` and `value` are always spans of the text as given. Linear in the
 * length of the text (bench/redaction.ts measures a PII-dense megabyte).
 *
 * @example
 * const detect = createPiiDetection({ customPatterns: [{ name: 'EMPLOYEE_ID', pattern: /\bE-\d{6}\b/ }] });
 * detect('mail me at ana@example.com'); // [{ type: 'EMAIL', start: 11, end: 26, value: 'ana@example.com' }]
 */
export function createPiiDetection(options: PiiDetectionOptions = {}): (text: string) => PiiMatch[] {
  const types = new Set(options.types ?? defaultPiiTypes);
  for (const type of types) if (!allPiiTypes.includes(type)) throw new RangeError(`types: unknown PII type "${type}"`);
  const detectors = [...(options.customPatterns ?? []).map(customDetector), ...builtInDetectors.filter((detector) => types.has(detector.type))];
  const priority = new Map(detectors.map((detector, index) => [detector.type, index]));
  return (original) => {
    if (original.length === 0) return [];
    const normalised = normaliseForDetection(original);
    const matches: PiiMatch[] = [];
    // Found once for every detector. Most strings of a request (keys, names, schema words) have no
    // digit: the detectors that need one are skipped; the others try their patterns at the runs only.
    const digitRuns = digitRunStarts(normalised.text);
    for (const detector of detectors) {
      if (digitRuns.length === 0 && NEEDS_DIGIT.has(detector)) continue;
      for (const match of detector.detect(normalised.text, digitRuns)) matches.push(match);
    }
    const kept = resolveOverlaps(matches, priority, normalised.text.length);
    if (normalised.text === original) return kept;
    return kept.map((match) => {
      const start = normalised.originalStart(match.start);
      const end = normalised.originalEnd(match.end);
      return { type: match.type, start, end, value: original.slice(start, end) };
    });
  };
}
