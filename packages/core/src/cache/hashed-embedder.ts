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
 * An embedding whose dense vector is projected when first read. The index reads it only to add a
 * point or to search a scope holding more points than a search returns: a prompt that joins the
 * group of a near-identical one (see prompt-group.ts) in a small scope never needs it, and the
 * projection (64 multiply-adds per feature) was a third of what embedding a long prompt cost.
 */
class HashedEmbedding implements PromptEmbedding {
  readonly sparse: SparseVector;
  readonly #project: (sparse: SparseVector) => Float32Array;
  #dense: Float32Array | undefined;

  constructor(sparse: SparseVector, project: (sparse: SparseVector) => Float32Array) {
    this.sparse = sparse;
    this.#project = project;
  }

  get dense(): Float32Array {
    return (this.#dense ??= this.#project(this.sparse));
  }
}

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
  // Only the signs are kept, one bit each: 256 KB at 64 dimensions where a table of the floats took
  // 8 MB of every process with the cache on, and a table small enough to stay in the CPU's caches.
  const words = Math.ceil(dimensions / 32);
  const negative = new Uint32Array(FEATURE_BUCKETS * words);
  const scale = Math.fround(1 / Math.sqrt(dimensions));
  for (let bucket = 0; bucket < FEATURE_BUCKETS; bucket += 1) {
    let state = hashString(String(bucket), 0x9e3779b9) || 1;
    for (let dimension = 0; dimension < dimensions; dimension += 1) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      if ((state & 1) === 0) negative[bucket * words + (dimension >>> 5)]! |= 1 << (dimension & 31);
    }
  }
  function project(sparse: SparseVector): Float32Array {
    const dense = new Float32Array(dimensions);
    for (let index = 0; index < sparse.indices.length; index += 1) {
      const offset = sparse.indices[index]! * words;
      const plus = sparse.values[index]! * scale;
      const twice = 2 * plus;
      // Without a branch: the signs are random, so a branch would be mispredicted half the time.
      for (let word = 0, first = 0; word < words; word += 1, first += 32) {
        let bits = negative[offset + word]!;
        const end = Math.min(first + 32, dimensions);
        for (let dimension = first; dimension < end; dimension += 1, bits >>>= 1) dense[dimension]! += plus - twice * (bits & 1);
      }
    }
    let norm = 0;
    for (const value of dense) norm += value * value;
    const inverse = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let dimension = 0; dimension < dimensions; dimension += 1) dense[dimension]! *= inverse;
    return dense;
  }
  return {
    dimensions,
    embed: (text) => new HashedEmbedding(weightFeatures(countFeatures(tokenize(text)), featureBucketWeights), project),
    similarity: (left, right) => sparseCosine(left.sparse, right.sparse),
  };
}
