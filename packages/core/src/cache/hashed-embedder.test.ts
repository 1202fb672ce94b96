import { describe, expect, it } from 'vitest';
import { createHashedEmbedder } from './hashed-embedder.js';
import { FEATURE_BUCKETS, hashString, type SparseVector } from './text-features.js';

// The projection as first written: a table of ±1/√d floats, one row per bucket. The sign bits must
// give the very same dense vectors (the search finds the same neighbours it found before).
function referenceDense(sparse: SparseVector, dimensions: number): Float32Array {
  const projection = new Float32Array(FEATURE_BUCKETS * dimensions);
  const scale = 1 / Math.sqrt(dimensions);
  for (let bucket = 0; bucket < FEATURE_BUCKETS; bucket++) {
    let state = hashString(String(bucket), 0x9e3779b9) || 1;
    for (let dimension = 0; dimension < dimensions; dimension++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      projection[bucket * dimensions + dimension] = state & 1 ? scale : -scale;
    }
  }
  const dense = new Float32Array(dimensions);
  sparse.indices.forEach((bucket, index) => {
    for (let dimension = 0; dimension < dimensions; dimension++) dense[dimension]! += sparse.values[index]! * projection[bucket * dimensions + dimension]!;
  });
  let norm = 0;
  for (const value of dense) norm += value * value;
  for (let dimension = 0; dimension < dimensions; dimension++) dense[dimension]! *= norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return dense;
}

describe('createHashedEmbedder', () => {
  it('projects to the same dense vectors as the table of floats did, at 64 dimensions and at sizes that are no multiple of 32', () => {
    const texts = ['What is the capital of France?', 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25), "Don't forget: C++ vs C# in 2024, naïve café", ''];
    for (const dimensions of [64, 48, 100]) {
      const embedder = createHashedEmbedder({ dimensions });
      for (const text of texts) {
        const { sparse, dense } = embedder.embed(text);
        expect([...dense]).toEqual([...referenceDense(sparse, dimensions)]);
      }
    }
  });
});
