/**
 * Restores placeholders in text that arrives in pieces. A piece that ends in what may be the start
 * of a placeholder (`…<EMA`) is held back until the next piece shows whether it is one; `flush`
 * releases what is left when the stream ends.
 */
export class PlaceholderRestorer {
  #pending = '';
  readonly #restore: (text: string) => string;
  readonly #placeholders: readonly string[];
  readonly #longest: number;

  /**
   * @param placeholders the placeholders that may occur, e.g. `<EMAIL_1>`
   * @param restore replaces whole placeholders in a text
   */
  constructor(placeholders: Iterable<string>, restore: (text: string) => string) {
    // Sorted, so whether a tail starts some placeholder is one binary search, not a pass over all.
    this.#placeholders = [...placeholders].sort();
    this.#longest = this.#placeholders.reduce((longest, placeholder) => Math.max(longest, placeholder.length), 0);
    this.#restore = restore;
  }

  /** The restored text that can be sent now. */
  push(piece: string): string {
    const text = this.#pending + piece;
    const cut = this.#heldFrom(text);
    this.#pending = text.slice(cut);
    return this.#restore(text.slice(0, cut));
  }

  /** Whatever was held back, restored as far as it goes. */
  flush(): string {
    const rest = this.#restore(this.#pending);
    this.#pending = '';
    return rest;
  }

  /** Where a possible partial placeholder starts at the end of `text`, or `text.length`. */
  #heldFrom(text: string): number {
    const from = Math.max(0, text.length - this.#longest + 1);
    for (let index = text.indexOf('<', from); index !== -1; index = text.indexOf('<', index + 1)) {
      if (this.#startsPlaceholder(text.slice(index))) return index;
    }
    return text.length;
  }

  /** Whether `tail` is a proper prefix of a placeholder: the first placeholder not below it starts with it. */
  #startsPlaceholder(tail: string): boolean {
    let low = 0;
    let high = this.#placeholders.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#placeholders[middle]! < tail) low = middle + 1;
      else high = middle;
    }
    const candidate = this.#placeholders[low];
    return candidate !== undefined && candidate.length > tail.length && candidate.startsWith(tail);
  }
}
