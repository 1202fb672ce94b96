import featureWeights from './feature-weights.json' with { type: 'json' };
import { countFeatures, FEATURE_BUCKETS, hashString, sparseCosine, tokenize, weightFeatures, type SparseVector } from './text-features.js';

/** A prompt as the semantic cache sees it: exact sparse features to score, a dense vector to search. */
export interface PromptEmbedding {
  readonly sparse: SparseVector;
  readonly dense: Float32Array;
}

/** Turns prompt text into embeddings, locally and synchronously (about 0.02 ms for a question). */
export interface Embedder {
  readonly dimensions: number;
  embed(text: string): PromptEmbedding;
  /** The similarity the cache thresholds: cosine of the weighted n-gram features, in 0..1. */
  similarity(left: PromptEmbedding, right: PromptEmbedding): number;
}

export interface HashedEmbedderOptions {
  /** Size of the dense search vector (a random projection of the sparse features). Default 64. */
  dimensions?: number;
}

/** The shipped weight of each feature bucket (IDF x how often paraphrases keep it); shared with the pair features. */
export const featureBucketWeights = Float32Array.from(featureWeights.weights, (value) => value / featureWeights.scale);

/**
 * The default embedder: hashed word, bigram and character-trigram features, weighted by IDF times
 * how often paraphrases keep the feature (trained on QQP by scripts/cache-train-weights.ts, shipped
 * as JSON), plus a seeded random projection to a small dense vector for the index. The projection
 * only finds candidates; the similarity is computed on the exact sparse features.
 *
 * @example
 * const embedder = createHashedEmbedder({ dimensions: 64 });
 * const a = embedder.embed('What is the capital of France?');
 * embedder.similarity(a, embedder.embed('what is the capital of france')); // 1
 */
export function createHashedEmbedder(options: HashedEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 64;
  // One ±1/√d row per bucket, generated from the bucket's hash: deterministic, nothing to ship.
  const projection = new Float32Array(FEATURE_BUCKETS * dimensions);
  const scale = 1 / Math.sqrt(dimensions);
  for (let bucket = 0; bucket < FEATURE_BUCKETS; bucket += 1) {
    let state = hashString(String(bucket), 0x9e3779b9) || 1;
    for (let dimension = 0; dimension < dimensions; dimension += 1) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      projection[bucket * dimensions + dimension] = state & 1 ? scale : -scale;
    }
  }
  return {
    dimensions,
    embed(text) {
      const sparse = weightFeatures(countFeatures(tokenize(text)), featureBucketWeights);
      const dense = new Float32Array(dimensions);
      for (let index = 0; index < sparse.indices.length; index += 1) {
        const offset = sparse.indices[index]! * dimensions;
        const value = sparse.values[index]!;
        for (let dimension = 0; dimension < dimensions; dimension += 1) dense[dimension]! += value * projection[offset + dimension]!;
      }
      let norm = 0;
      for (const value of dense) norm += value * value;
      const inverse = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let dimension = 0; dimension < dimensions; dimension += 1) dense[dimension]! *= inverse;
      return { sparse, dense };
    },
    similarity: (left, right) => sparseCosine(left.sparse, right.sparse),
  };
}
