import { InvalidRequestError } from '../../errors.js';
import type { PiiMatch } from './pii-match.js';

/** What happens to PII of one type: a typed placeholder (restorable), a mask, or a 400. */
export type PiiAction = 'redact' | 'mask' | 'block';

/** Placeholders the session hands out, e.g. `<EMAIL_1>`. */
export const placeholderPattern = /<([A-Z][A-Z0-9_]*_\d+)>/g;

/** `****1234`: the last four characters stay, as card statements show them. */
export function maskValue(value: string): string {
  return value.length >= 8 ? `****${value.slice(-4)}` : '****';
}

/**
 * The PII bookkeeping of one request: the same value gets the same placeholder everywhere in the
 * request, and placeholders can be turned back into the values in the answer.
 */
export class PiiSession {
  /** Count of values found per type; never the values. */
  readonly detected: Record<string, number> = {};
  /** The actions taken, for the receipt. */
  readonly actionsTaken = new Set<PiiAction>();
  readonly #originals = new Map<string, string>();
  readonly #placeholders = new Map<string, string>();
  readonly #numbers = new Map<string, number>();

  readonly #detect: (text: string) => PiiMatch[];
  readonly #actionFor: (type: string) => PiiAction;

  constructor(detect: (text: string) => PiiMatch[], actionFor: (type: string) => PiiAction) {
    this.#detect = detect;
    this.#actionFor = actionFor;
  }

  /** Placeholder to original value, for the restorers. */
  get originals(): ReadonlyMap<string, string> {
    return this.#originals;
  }

  /** The text with every PII match handled; `path` names the field in a block error. */
  redact(text: string, path: string): string {
    const matches = this.#detect(text);
    if (matches.length === 0) return text;
    let output = '';
    let cursor = 0;
    for (const match of matches) {
      const action = this.#actionFor(match.type);
      this.detected[match.type] = (this.detected[match.type] ?? 0) + 1;
      this.actionsTaken.add(action);
      if (action === 'block') {
        throw new InvalidRequestError(`The request contains PII of type ${match.type}, which this gateway does not accept.`, { code: 'pii_blocked', status: 400, param: path });
      }
      output += text.slice(cursor, match.start) + (action === 'mask' ? maskValue(match.value) : this.#placeholderFor(match));
      cursor = match.end;
    }
    return output + text.slice(cursor);
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
      placeholder = `<${match.type}_${number}>`;
      this.#placeholders.set(key, placeholder);
      this.#originals.set(placeholder, match.value);
    }
    return placeholder;
  }
}
