import { randomBytes } from 'node:crypto';
import { InvalidRequestError } from '../../errors.js';
import type { PiiMatch } from './pii-match.js';

/** What happens to PII of one type: a typed placeholder (restorable), a mask, or a 400. */
export type PiiAction = 'redact' | 'mask' | 'block';

/** Placeholders a session hands out: `<EMAIL_1>`, or `<EMAIL_1_k3x9q2>` with the session's nonce. */
export const placeholderPattern = /<([A-Z][A-Z0-9_]*_\d+(?:_[a-z0-9]{6})?)>/g;

/** Characters of text one session scans by default: ~0.2 s of detection (bench/redaction.ts). */
export const DEFAULT_MAX_SCAN_CHARACTERS = 1_000_000;

// Each text checked costs a few microseconds whatever its length, so a body of many thousand tiny
// strings (JSON keys, empty parts) is charged as if each had this many characters.
const MINIMUM_CHARGE = 64;

/** `****1234`: the last four characters stay, as card statements show them. */
export function maskValue(value: string): string {
  return value.length >= 8 ? `****${value.slice(-4)}` : '****';
}

export interface PiiSessionOptions {
  /**
   * A per-session suffix of every placeholder (`<EMAIL_1_k3x9q2>`), so that text the user wrote
   * (`<EMAIL_1>`, or a placeholder of another request) is never taken for one of this session's
   * placeholders when the answer is restored. `true`: a random one (what the middleware uses);
   * a string of 6 lower-case letters or digits: that one (tests); default none (`routekit redact`,
   * whose output is read by people and never restored).
   */
  nonce?: boolean | string;
  /** Most characters of text the session scans in total (each text counts as at least 64); more is refused with 413 `pii_scan_limit`. Default 1,000,000. */
  maxScanCharacters?: number;
}

const NONCE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

// Random bytes drawn 1,536 at a time and each used once: one randomBytes call per request cost
// about as much CPU as redacting its 2,000-character prompt (a profile of the PII bench target).
const NONCES_PER_DRAW = 256;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function randomNonce(): string {
  if (randomOffset + 6 > randomPool.length) {
    randomPool = randomBytes(6 * NONCES_PER_DRAW);
    randomOffset = 0;
  }
  let nonce = '';
  for (let index = 0; index < 6; index++) nonce += NONCE_ALPHABET[randomPool[randomOffset + index]! % NONCE_ALPHABET.length];
  randomOffset += 6;
  return nonce;
}

/**
 * The PII bookkeeping of one request: the same value gets the same placeholder everywhere in the
 * request, and placeholders can be turned back into the values in the answer.
 */
export class PiiSession {
  /** Count of values found per type; never the values. No prototype: type names are data. */
  readonly detected: Record<string, number> = Object.create(null) as Record<string, number>;
  /** The actions taken, for the receipt. */
  readonly actionsTaken = new Set<PiiAction>();
  /** The suffix of this session's placeholders ('' when it has none). */
  readonly nonce: string;
  readonly #originals = new Map<string, string>();
  readonly #placeholders = new Map<string, string>();
  readonly #numbers = new Map<string, number>();
  readonly #maxScanCharacters: number;
  #scanned = 0;

  readonly #detect: (text: string) => PiiMatch[];
  readonly #actionFor: (type: string) => PiiAction;

  constructor(detect: (text: string) => PiiMatch[], actionFor: (type: string) => PiiAction, options: PiiSessionOptions = {}) {
    this.#detect = detect;
    this.#actionFor = actionFor;
    if (typeof options.nonce === 'string' && !/^[a-z0-9]{6}$/.test(options.nonce)) throw new RangeError('nonce must be 6 lower-case letters or digits');
    this.nonce = options.nonce === true ? randomNonce() : typeof options.nonce === 'string' ? options.nonce : '';
    this.#maxScanCharacters = options.maxScanCharacters ?? DEFAULT_MAX_SCAN_CHARACTERS;
  }

  /** Placeholder to original value, for the restorers. */
  get originals(): ReadonlyMap<string, string> {
    return this.#originals;
  }

  /** Characters scanned so far. */
  get scanned(): number {
    return this.#scanned;
  }

  /** The text with every PII match handled; `path` names the field in a block error. */
  redact(text: string, path: string): string {
    return this.redactPieces([text], path)[0]!;
  }

  /**
   * Pieces that are read as one text (the text parts of one message): PII is looked for in their
   * concatenation, so a card split across two parts is found; a value that spans pieces is
   * replaced in the piece where it starts and removed from the others.
   */
  redactPieces(pieces: readonly string[], path: string): string[] {
    const text = pieces.length === 1 ? pieces[0]! : pieces.join('');
    this.#count(Math.max(text.length, MINIMUM_CHARGE), path);
    const matches = this.#detect(text);
    if (matches.length === 0) return [...pieces];
    const replacements: string[] = [];
    for (const match of matches) {
      const action = this.#actionFor(match.type);
      this.detected[match.type] = (this.detected[match.type] ?? 0) + 1;
      this.actionsTaken.add(action);
      if (action === 'block') {
        throw new InvalidRequestError(`The request contains PII of type ${match.type}, which this gateway does not accept.`, { code: 'pii_blocked', status: 400, param: path });
      }
      replacements.push(action === 'mask' ? maskValue(match.value) : this.#placeholderFor(match));
    }
    const output: string[] = [];
    let pieceStart = 0;
    let next = 0;
    for (const piece of pieces) {
      const pieceEnd = pieceStart + piece.length;
      let redacted = '';
      let cursor = pieceStart;
      // Matches that end before this piece are done; one that started earlier may still cover its head.
      while (next < matches.length && matches[next]!.end <= pieceStart) next += 1;
      for (let index = next; index < matches.length && matches[index]!.start < pieceEnd; index += 1) {
        const match = matches[index]!;
        if (match.start >= pieceStart) redacted += text.slice(cursor, match.start) + replacements[index];
        cursor = Math.min(match.end, pieceEnd);
      }
      output.push(redacted + text.slice(cursor, pieceEnd));
      pieceStart = pieceEnd;
    }
    return output;
  }

  /** Counts text against the session's bound (base64 payloads are never scanned, so never counted). */
  #count(characters: number, path: string): void {
    this.#scanned += characters;
    if (this.#scanned > this.#maxScanCharacters) {
      throw new InvalidRequestError(`The request has more than ${this.#maxScanCharacters} characters of text to check for PII, the most this gateway checks per request.`, { code: 'pii_scan_limit', status: 413, param: path });
    }
  }

  /** The text with this session's placeholders replaced by the original values. */
  restore(text: string, escape: (value: string) => string = (value) => value): string {
    if (this.#originals.size === 0 || !text.includes('<')) return text;
    return text.replace(placeholderPattern, (placeholder) => {
      const original = this.#originals.get(placeholder);
      return original === undefined ? placeholder : escape(original);
    });
  }

  #placeholderFor(match: PiiMatch): string {
    const key = `${match.type}\u0000${match.value}`;
    let placeholder = this.#placeholders.get(key);
    if (placeholder === undefined) {
      const number = (this.#numbers.get(match.type) ?? 0) + 1;
      this.#numbers.set(match.type, number);
      placeholder = this.nonce === '' ? `<${match.type}_${number}>` : `<${match.type}_${number}_${this.nonce}>`;
      this.#placeholders.set(key, placeholder);
      this.#originals.set(placeholder, match.value);
    }
    return placeholder;
  }
}
