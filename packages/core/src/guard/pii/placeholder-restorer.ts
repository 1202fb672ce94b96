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
    this.#placeholders = [...placeholders];
    this.#longest = Math.max(0, ...this.#placeholders.map((placeholder) => placeholder.length));
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
      const tail = text.slice(index);
      if (this.#placeholders.some((placeholder) => placeholder.length > tail.length && placeholder.startsWith(tail))) return index;
    }
    return text.length;
  }
}
