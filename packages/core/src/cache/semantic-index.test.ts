import { describe, expect, it } from 'vitest';
import { seededRandom } from '../routing/training/logistic-regression.js';
import type { PromptEmbedding } from './hashed-embedder.js';
import { LinearScan } from './linear-scan.js';
import { SemanticIndex } from './semantic-index.js';

const dimensions = 4;

type CountedEmbedding = PromptEmbedding & { readonly vector: Float32Array; reads: number };

/** An embedding that counts how often the index reads its dense vector (the similarity below reads `vector`). */
function embeddingOf(dense: Float32Array): CountedEmbedding {
  return {
    sparse: { indices: new Uint16Array(0), values: new Float32Array(0) },
    vector: dense,
    reads: 0,
    get dense() {
      this.reads += 1;
      return dense;
    },
  };
}

function randomUnit(random: () => number): Float32Array {
  const vector = Float32Array.from({ length: dimensions }, () => random() - 0.5);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

describe('SemanticIndex.search on a scan', () => {
  it('ranks as the scan and a stable sort on the exact similarity did, ties and removals included', () => {
    const random = seededRandom(25);
    for (let trial = 0; trial < 400; trial += 1) {
      const candidates = 1 + Math.floor(random() * 8);
      // Coarse scores make ties between different vectors common; the dense vectors decide their order.
      const steps = 1 + Math.floor(random() * 4);
      const similarity = (left: PromptEmbedding, right: PromptEmbedding) => Math.round((left as CountedEmbedding).vector.reduce((sum, value, index) => sum + value * (right as CountedEmbedding).vector[index]!, 0) * steps) / steps;
      const index = new SemanticIndex<number>({ dimensions, bruteForceLimit: 1000, candidates, similarity });
      // The search as it was: the scan's nearest `candidates` by dot product, then sorted on the exact similarity.
      const reference = new LinearScan(dimensions);
      const embeddings = new Map<number, CountedEmbedding>();
      const pool = Array.from({ length: 3 }, () => randomUnit(random));
      for (let operation = 0; operation < 2 + Math.floor(random() * 14); operation += 1) {
        if (embeddings.size > 0 && random() < 0.3) {
          const label = [...embeddings.keys()][Math.floor(random() * embeddings.size)]!;
          index.remove(label);
          reference.remove(label);
          embeddings.delete(label);
          continue;
        }
        // Repeated vectors tie on every similarity.
        const embedding = embeddingOf(random() < 0.4 ? pool[Math.floor(random() * pool.length)]! : randomUnit(random));
        const label = index.add({ embedding, value: operation });
        reference.add(label, embedding.vector);
        embeddings.set(label, embedding);
      }
      const query = embeddingOf(random() < 0.3 ? pool[0]! : randomUnit(random));
      const expected = reference
        .top(query.vector, Math.min(candidates, embeddings.size))
        .map((label) => ({ label, similarity: similarity(query, embeddings.get(label)!) }))
        .sort((left, right) => right.similarity - left.similarity);
      query.reads = 0;
      const found = index.search(query).map(({ label, similarity: score }) => ({ label, similarity: score }));
      expect(found, `trial ${trial}`).toEqual(expected);
      // Without a tie among every entry, the query's dense vector is never read.
      const scores = found.map((match) => match.similarity);
      if (embeddings.size <= candidates && new Set(scores).size === scores.length) expect(query.reads, `trial ${trial}`).toBe(0);
    }
  });
});
