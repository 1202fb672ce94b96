/**
 * Unit vectors in one contiguous Float32Array, scanned for the largest dot products. For a few
 * hundred entries this is as fast as an HNSW graph and needs no native index (bench/cache-lookup.ts).
 */
export class LinearScan {
  readonly #dimensions: number;
  #vectors = new Float32Array(0);
  #labels = new Int32Array(0);
  readonly #rows = new Map<number, number>();

  constructor(dimensions: number) {
    this.#dimensions = dimensions;
  }

  get size(): number {
    return this.#rows.size;
  }

  add(label: number, vector: Float32Array): void {
    const row = this.#rows.size;
    if (row === this.#labels.length) this.#grow(Math.max(64, row * 2));
    this.#vectors.set(vector, row * this.#dimensions);
    this.#labels[row] = label;
    this.#rows.set(label, row);
  }

  /** Removes a label by moving the last row into its place. */
  remove(label: number): void {
    const row = this.#rows.get(label);
    if (row === undefined) return;
    this.#rows.delete(label);
    const last = this.#rows.size;
    if (row !== last) {
      const movedLabel = this.#labels[last]!;
      this.#vectors.copyWithin(row * this.#dimensions, last * this.#dimensions, (last + 1) * this.#dimensions);
      this.#labels[row] = movedLabel;
      this.#rows.set(movedLabel, row);
    }
  }

  /** The labels of the `count` vectors with the largest dot product with `query`, best first. */
  top(query: Float32Array, count: number): number[] {
    const dimensions = this.#dimensions;
    const vectors = this.#vectors;
    const labels: number[] = [];
    const scores: number[] = [];
    for (let row = 0, offset = 0; row < this.#rows.size; row += 1, offset += dimensions) {
      let dot = 0;
      for (let index = 0; index < dimensions; index += 1) dot += query[index]! * vectors[offset + index]!;
      if (labels.length === count && dot <= scores[count - 1]!) continue;
      let position = labels.length === count ? count - 1 : labels.length;
      while (position > 0 && scores[position - 1]! < dot) position -= 1;
      labels.splice(position, 0, this.#labels[row]!);
      scores.splice(position, 0, dot);
      if (labels.length > count) {
        labels.pop();
        scores.pop();
      }
    }
    return labels;
  }

  #grow(capacity: number): void {
    const vectors = new Float32Array(capacity * this.#dimensions);
    vectors.set(this.#vectors);
    const labels = new Int32Array(capacity);
    labels.set(this.#labels);
    this.#vectors = vectors;
    this.#labels = labels;
  }
}
