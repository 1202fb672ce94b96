import { createHashedEmbedder, type Embedder, type PromptEmbedding } from './hashed-embedder.js';
import { SemanticIndex } from './semantic-index.js';
import { promptWords, STRICT_MARGIN, verifyParaphrase, type ParaphraseEvidence, type PromptWords } from './paraphrase-verifier.js';
import { compareSlots, extractNumbers, extractSlots, sameNumbers, type GuardVerdict, type PromptSlots } from './slot-guard.js';

export interface SemanticCacheOptions {
  /**
   * Cosine of the prompts' weighted n-gram features at which a cached prompt counts as the same
   * question on similarity alone, 0.90..0.99. Default 0.95. With `verify` (the default) a cached
   * prompt also counts below it when the paraphrase verifier finds the same content words: down
   * to threshold - 0.45 for the same words up to articles, contractions, possessives and fixed
   * phrases, down to threshold - 0.15 for the same content words up to one learned synonym or
   * dropped word (see paraphrase-verifier.ts), and down to threshold - 0.45 when the pair
   * classifier (pair-classifier.ts) gives at least the cut the threshold maps to: 0.90 maps to the
   * cut at which the QQP training split reached precision 0.92, 0.94 and up turn the classifier off.
   * Raising the threshold raises every bar.
   */
  similarityThreshold?: number;
  /** Accept lower-cosine paraphrases whose content words agree (the verifier). Default true; false: cosine only. */
  verify?: boolean;
  /** Require numbers, names, quotes, identifiers, languages, negation, operators, word order and connectives to agree (slot-guard.ts). Default true. */
  guard?: boolean;
  /** The embedder; default `createHashedEmbedder()`. */
  embedder?: Embedder;
  /** Entries per scope up to which a linear scan is used instead of an HNSW graph. Default 500, the measured crossover (bench/cache-lookup.ts); small scopes also save a ~0.4 MB native graph each. */
  bruteForceLimit?: number;
  /** Dense neighbours re-scored exactly per lookup. Default 8. */
  candidates?: number;
}

/** A semantic lookup above the threshold: a hit, or the guard's reason to refuse the closest match. */
export type SemanticMatch<T> = { hit: true; value: T; similarity: number; evidence: ParaphraseEvidence } | { hit: false; rejected: Exclude<GuardVerdict, null>; similarity: number };

/** A stored prompt, to remove it again when its answer expires. */
export interface SemanticEntryHandle {
  readonly scope: string;
  readonly label: number;
}

interface StoredPrompt<T> {
  value: T;
  /** The numbers slot, compared first: most near neighbours a guard refuses differ in it. */
  numbers: readonly string[];
  /** Every slot, extracted the first time a lookup's numbers agree with this prompt's (most stored prompts are never that close to another). */
  slots?: PromptSlots;
  /** The prompt, for its words: read only when a lookup below the threshold needs the verifier. */
  prompt: string;
  words?: PromptWords;
}

/** What the cache reads off a prompt; each part computed when first needed. */
interface PromptAnalysis {
  embedding: PromptEmbedding;
  numbers?: readonly string[];
  slots?: PromptSlots;
  words?: PromptWords;
}

/** Prompts whose analysis is kept: a miss is looked up, answered, then stored, so the store reuses the lookup's work. */
const analysedPrompts = 64;

/**
 * Prompts and their cached values, in one index per scope (the cache middleware uses tenant plus
 * conversation context as the scope, so no search ever crosses tenants).
 *
 * @example
 * const cache = createSemanticCache<string>({ similarityThreshold: 0.95 });
 * cache.store('tenant-a', 'What is the capital of France?', 'entry-1');
 * cache.lookup('tenant-a', 'what is the capital of France'); // { hit: true, value: 'entry-1', similarity: 1, evidence: 'similarity' }
 * cache.lookup('tenant-a', "What's France's capital city?"); // { hit: true, value: 'entry-1', similarity: 0.6…, evidence: 'same words' }
 * cache.lookup('tenant-a', 'What is the capital of Germany?'); // { hit: false, rejected: 'names', … }
 */
export function createSemanticCache<T>(options: SemanticCacheOptions = {}): SemanticCache<T> {
  return new SemanticCache<T>(options);
}

export class SemanticCache<T> {
  readonly threshold: number;
  readonly #guard: boolean;
  readonly #verify: boolean;
  readonly #embedder: Embedder;
  readonly #bruteForceLimit: number;
  readonly #candidates: number;
  readonly #scopes = new Map<string, SemanticIndex<StoredPrompt<T>>>();
  readonly #analysed = new Map<string, PromptAnalysis>();

  constructor(options: SemanticCacheOptions = {}) {
    this.threshold = options.similarityThreshold ?? 0.95;
    this.#guard = options.guard ?? true;
    this.#verify = options.verify ?? true;
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
    const analysis = this.#analysis(prompt);
    const stored: StoredPrompt<T> = { value, numbers: this.#numbers(prompt, analysis), prompt, ...(analysis.slots && { slots: analysis.slots }), ...(analysis.words && { words: analysis.words }) };
    const label = index.add({ embedding: analysis.embedding, value: stored });
    return { scope, label };
  }

  remove(handle: SemanticEntryHandle): void {
    const index = this.#scopes.get(handle.scope);
    if (!index) return;
    index.remove(handle.label);
    if (index.size === 0) this.#scopes.delete(handle.scope);
  }

  #numbers(prompt: string, analysis: PromptAnalysis): readonly string[] {
    return (analysis.numbers ??= analysis.slots?.numbers ?? extractNumbers(prompt));
  }

  #analysis(prompt: string): PromptAnalysis {
    const kept = this.#analysed.get(prompt);
    if (kept !== undefined) return kept;
    const analysis: PromptAnalysis = { embedding: this.#embedder.embed(prompt) };
    if (this.#analysed.size >= analysedPrompts) this.#analysed.delete(this.#analysed.keys().next().value!);
    this.#analysed.set(prompt, analysis);
    return analysis;
  }

  /**
   * The most similar stored prompt of the scope that the threshold or the verifier accepts and
   * whose slots agree with the prompt's; `rejected` tells why the closest accepted one was refused,
   * if it was. `similarity` is always the cosine of the features, also for verified paraphrases.
   */
  lookup(scope: string, prompt: string): SemanticMatch<T> | null {
    const index = this.#scopes.get(scope);
    if (!index) return null;
    const floor = this.#verify ? this.threshold - STRICT_MARGIN : this.threshold;
    const analysis = this.#analysis(prompt);
    const candidates = index.search(analysis.embedding).filter((match) => match.similarity >= floor);
    if (candidates.length === 0) return null;
    const words = this.#verify && candidates.some((match) => match.similarity < this.threshold) ? (analysis.words ??= promptWords(prompt)) : null;
    // The guard in two steps: numbers first (compareSlots reads them first, so a difference there is
    // its verdict too), every slot only for a candidate whose numbers agree.
    const numbers = this.#guard ? this.#numbers(prompt, analysis) : null;
    let firstRejection: SemanticMatch<T> | null = null;
    for (const match of candidates) {
      const evidence = words ? verifyParaphrase(words, (match.value.words ??= promptWords(match.value.prompt)), match.similarity, this.threshold) : match.similarity >= this.threshold ? 'similarity' : null;
      if (evidence === null) continue;
      const stored = match.value;
      let verdict: GuardVerdict = null;
      if (numbers) verdict = sameNumbers(numbers, stored.numbers) ? compareSlots((analysis.slots ??= extractSlots(prompt)), (stored.slots ??= extractSlots(stored.prompt))) : 'numbers';
      if (verdict === null) return { hit: true, value: match.value.value, similarity: match.similarity, evidence };
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
