import { createHashedEmbedder, type Embedder } from './hashed-embedder.js';
import { SemanticIndex } from './semantic-index.js';
import { compareSlots, extractSlots, type GuardVerdict, type PromptSlots } from './slot-guard.js';

export interface SemanticCacheOptions {
  /** Lowest similarity that may count as the same question, 0.90..0.99. Default 0.95. */
  similarityThreshold?: number;
  /** Require numbers, names, quotes, identifiers, languages and negation to agree. Default true. */
  guard?: boolean;
  /** The embedder; default `createHashedEmbedder()`. */
  embedder?: Embedder;
  /** Entries per scope up to which a linear scan is used instead of an HNSW graph. Default 500, the measured crossover (bench/cache-lookup.ts); small scopes also save a ~0.4 MB native graph each. */
  bruteForceLimit?: number;
  /** Dense neighbours re-scored exactly per lookup. Default 8. */
  candidates?: number;
}

/** A semantic lookup above the threshold: a hit, or the guard's reason to refuse the closest match. */
export type SemanticMatch<T> = { hit: true; value: T; similarity: number } | { hit: false; rejected: Exclude<GuardVerdict, null>; similarity: number };

/** A stored prompt, to remove it again when its answer expires. */
export interface SemanticEntryHandle {
  readonly scope: string;
  readonly label: number;
}

interface StoredPrompt<T> {
  value: T;
  slots: PromptSlots;
}

/**
 * Prompts and their cached values, in one index per scope (the cache middleware uses tenant plus
 * conversation context as the scope, so no search ever crosses tenants).
 *
 * @example
 * const cache = createSemanticCache<string>({ similarityThreshold: 0.95 });
 * cache.store('tenant-a', 'What is the capital of France?', 'entry-1');
 * cache.lookup('tenant-a', 'what is the capital of France'); // { hit: true, value: 'entry-1', similarity: 1 }
 * cache.lookup('tenant-a', 'What is the capital of Germany?'); // { hit: false, rejected: 'names', … }
 */
export function createSemanticCache<T>(options: SemanticCacheOptions = {}): SemanticCache<T> {
  return new SemanticCache<T>(options);
}

export class SemanticCache<T> {
  readonly threshold: number;
  readonly #guard: boolean;
  readonly #embedder: Embedder;
  readonly #bruteForceLimit: number;
  readonly #candidates: number;
  readonly #scopes = new Map<string, SemanticIndex<StoredPrompt<T>>>();

  constructor(options: SemanticCacheOptions = {}) {
    this.threshold = options.similarityThreshold ?? 0.95;
    this.#guard = options.guard ?? true;
    this.#embedder = options.embedder ?? defaultEmbedder();
    this.#bruteForceLimit = options.bruteForceLimit ?? 500;
    this.#candidates = options.candidates ?? 8;
  }

  get embedder(): Embedder {
    return this.#embedder;
  }

  /** The index of one scope, if it has one (for benchmarks and tests). */
  index(scope: string): SemanticIndex<StoredPrompt<T>> | undefined {
    return this.#scopes.get(scope);
  }

  store(scope: string, prompt: string, value: T): SemanticEntryHandle {
    let index = this.#scopes.get(scope);
    if (!index) {
      const embedder = this.#embedder;
      index = new SemanticIndex({ dimensions: embedder.dimensions, bruteForceLimit: this.#bruteForceLimit, candidates: this.#candidates, similarity: (left, right) => embedder.similarity(left, right) });
      this.#scopes.set(scope, index);
    }
    const label = index.add({ embedding: this.#embedder.embed(prompt), value: { value, slots: extractSlots(prompt) } });
    return { scope, label };
  }

  remove(handle: SemanticEntryHandle): void {
    const index = this.#scopes.get(handle.scope);
    if (!index) return;
    index.remove(handle.label);
    if (index.size === 0) this.#scopes.delete(handle.scope);
  }

  /**
   * The most similar stored prompt of the scope at or above the threshold whose slots agree with
   * the prompt's; `rejected` tells why the closest one above the threshold was refused, if it was.
   */
  lookup(scope: string, prompt: string): SemanticMatch<T> | null {
    const index = this.#scopes.get(scope);
    if (!index) return null;
    const matches = index.search(this.#embedder.embed(prompt)).filter((match) => match.similarity >= this.threshold);
    if (matches.length === 0) return null;
    if (!this.#guard) return { hit: true, value: matches[0]!.value.value, similarity: matches[0]!.similarity };
    const slots = extractSlots(prompt);
    let firstRejection: SemanticMatch<T> | null = null;
    for (const match of matches) {
      const verdict = compareSlots(slots, match.value.slots);
      if (verdict === null) return { hit: true, value: match.value.value, similarity: match.similarity };
      firstRejection ??= { hit: false, rejected: verdict, similarity: match.similarity };
    }
    return firstRejection;
  }
}

let sharedEmbedder: Embedder | undefined;
// The projection table is 8 MB; every cache without its own embedder shares one.
function defaultEmbedder(): Embedder {
  sharedEmbedder ??= createHashedEmbedder();
  return sharedEmbedder;
}
