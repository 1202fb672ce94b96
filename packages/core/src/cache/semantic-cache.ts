import { createHashedEmbedder, type Embedder, type PromptEmbedding } from './hashed-embedder.js';
import { PromptGroup } from './prompt-group.js';
import { SemanticIndex, type IndexMatch } from './semantic-index.js';
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
  /** Index points per scope (one per group of near-identical prompts, most prompts have their own) up to which a linear scan is used instead of an HNSW graph. Default 500, the measured crossover (bench/cache-lookup.ts); small scopes also save a ~0.4 MB native graph each. */
  bruteForceLimit?: number;
  /** Nearest index points a lookup looks at, and how many prompts filed under its numbers it gathers from them to re-score exactly. Default 8. */
  candidates?: number;
}

/** A semantic lookup above the threshold: a hit, or the guard's reason to refuse the closest match. */
export type SemanticMatch<T> = { hit: true; value: T; similarity: number; evidence: ParaphraseEvidence } | { hit: false; rejected: Exclude<GuardVerdict, null>; similarity: number };

/** A stored prompt, to remove it again when its answer expires. */
export interface SemanticEntryHandle {
  readonly scope: string;
  /** The stored prompt itself (opaque: only `SemanticCache.remove` reads it). */
  readonly entry: object;
}

interface StoredPrompt<T> {
  value: T;
  /** The group's filing key: the numbers, joined, when the guard is on (only prompts with the same numbers can pass it); '' when it is off. */
  readonly key: string;
  readonly embedding: PromptEmbedding;
  group: PromptGroup<StoredPrompt<T>>;
  /** The numbers slot, compared first: most near neighbours a guard refuses differ in it. */
  numbers: readonly string[];
  /** Every slot, extracted the first time a lookup's numbers agree with this prompt's (most stored prompts are never that close to another). */
  slots?: PromptSlots;
  /** The prompt, for its words: read only when a lookup below the threshold needs the verifier. */
  prompt: string;
  words?: PromptWords;
}

/** What the cache reads off a prompt; each part computed when first needed. */
interface PromptAnalysis<T> {
  embedding: PromptEmbedding;
  numbers?: readonly string[];
  /** The filing key (see `#key`), made once for the lookup and the store that follows it. */
  key?: string;
  slots?: PromptSlots;
  words?: PromptWords;
  /** The groups the last lookup found, and in which index: the store that follows a miss files the prompt with them without searching again. */
  found?: { index: ScopeIndex<T>; groups: IndexMatch<PromptGroup<StoredPrompt<T>>>[] } | undefined;
}

/**
 * A prompt and what the cache has read off it so far (`SemanticCache.analyse`): pass the same
 * object to `lookup` and then to `store`, and the store reuses the lookup's embedding, numbers and
 * search instead of finding them again by the prompt's text, which hashes the whole text.
 */
export class AnalysedPrompt {
  readonly text: string;
  /** The cache that analyses it: another one (another embedder, another index) reads the text afresh. */
  readonly owner: object;
  /** Filled by the first lookup or store (opaque outside the cache). */
  analysis: PromptAnalysis<unknown> | undefined;

  constructor(text: string, owner: object) {
    this.text = text;
    this.owner = owner;
  }
}

/** The index of one scope: a point per group of near-identical prompts. */
type ScopeIndex<T> = SemanticIndex<PromptGroup<StoredPrompt<T>>>;

/** Prompts whose analysis is kept: a miss is looked up, answered, then stored, so the store reuses the lookup's work. */
const analysedPrompts = 64;

/**
 * Exact similarity to a group's first prompt at or above which a stored prompt joins the group
 * instead of getting a point of its own. The gateway benchmark's 2,000-character prompts that differ
 * only in the number at the end score 0.995 to 0.998; a question and the same question with
 * another number or name score well below this when they are short (their own points, as before).
 */
const GROUP_SIMILARITY = 0.99;
/**
 * Most prompts filed under one key in one group; another one starts a group of its own. Bounds the
 * exact scores and guard comparisons a lookup makes in one group to what it made over a graph's
 * nearest `candidates` points.
 */
const GROUP_KEY_LIMIT = 8;

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
  readonly #scopes = new Map<string, ScopeIndex<T>>();
  readonly #analysed = new Map<string, PromptAnalysis<T>>();

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

  /** The index of one scope, if it has one (for benchmarks and tests): one point per group of near-identical prompts. */
  index(scope: string): ScopeIndex<T> | undefined {
    return this.#scopes.get(scope);
  }

  /** How many prompts a scope holds (its index holds one point per group of them). */
  entries(scope: string): number {
    let count = 0;
    for (const group of this.#scopes.get(scope)?.values() ?? []) count += group.size;
    return count;
  }

  /** The prompt as an object that carries its analysis from a `lookup` to the `store` that follows it. */
  analyse(prompt: string): AnalysedPrompt {
    return new AnalysedPrompt(prompt, this);
  }

  store(scope: string, query: string | AnalysedPrompt, value: T): SemanticEntryHandle {
    const prompt = typeof query === 'string' ? query : query.text;
    let index = this.#scopes.get(scope);
    if (!index) {
      const embedder = this.#embedder;
      index = new SemanticIndex({ dimensions: embedder.dimensions, bruteForceLimit: this.#bruteForceLimit, candidates: this.#candidates, similarity: (left, right) => embedder.similarity(left, right) });
      this.#scopes.set(scope, index);
    }
    const analysis = this.#analysis(query);
    const key = this.#key(prompt, analysis);
    let group = this.#groupToJoin(index, analysis, key);
    if (!group) {
      group = new PromptGroup<StoredPrompt<T>>(analysis.embedding);
      group.label = index.add({ embedding: analysis.embedding, value: group });
    }
    const stored: StoredPrompt<T> = { value, key, embedding: analysis.embedding, group, numbers: this.#numbers(prompt, analysis), prompt, ...(analysis.slots && { slots: analysis.slots }), ...(analysis.words && { words: analysis.words }) };
    group.add(stored);
    return { scope, entry: stored };
  }

  remove(handle: SemanticEntryHandle): void {
    const index = this.#scopes.get(handle.scope);
    const stored = handle.entry as StoredPrompt<T>;
    const group = stored.group;
    if (!index || !group.remove(stored) || group.size > 0) return;
    index.remove(group.label);
    group.label = -1;
    if (index.size === 0) this.#scopes.delete(handle.scope);
  }

  /** The nearest group, among those the lookup found, whose first prompt is near-identical and that has room under the key. */
  #groupToJoin(index: ScopeIndex<T>, analysis: PromptAnalysis<T>, key: string): PromptGroup<StoredPrompt<T>> | null {
    const found = analysis.found?.index === index ? analysis.found.groups : index.search(analysis.embedding);
    // Used once: a second store of the same prompt searches again, and finds the group this one joins or makes.
    analysis.found = undefined;
    for (const match of found) {
      // Sorted best first: the first one under the bar ends the search. A group emptied since the lookup is gone from the index.
      if (match.similarity < GROUP_SIMILARITY) break;
      if (match.value.label >= 0 && match.value.hasRoom(key, GROUP_KEY_LIMIT)) return match.value;
    }
    return null;
  }

  /** Where a prompt is filed in its group: by its numbers when the guard is on, since only a prompt with the same numbers can pass it. */
  #key(prompt: string, analysis: PromptAnalysis<T>): string {
    return (analysis.key ??= this.#guard ? this.#numbers(prompt, analysis).join('\u0000') : '');
  }

  #numbers(prompt: string, analysis: PromptAnalysis<T>): readonly string[] {
    return (analysis.numbers ??= analysis.slots?.numbers ?? extractNumbers(prompt));
  }

  /** A prompt's analysis: the one it carries, or for text, the one kept for that text (see `analysedPrompts`). */
  #analysis(query: string | AnalysedPrompt): PromptAnalysis<T> {
    if (typeof query !== 'string' && query.owner === this) return (query.analysis ??= { embedding: this.#embedder.embed(query.text) }) as PromptAnalysis<T>;
    const prompt = typeof query === 'string' ? query : query.text;
    const kept = this.#analysed.get(prompt);
    if (kept !== undefined) return kept;
    const analysis: PromptAnalysis<T> = { embedding: this.#embedder.embed(prompt) };
    if (this.#analysed.size >= analysedPrompts) this.#analysed.delete(this.#analysed.keys().next().value!);
    this.#analysed.set(prompt, analysis);
    return analysis;
  }

  /**
   * The most similar stored prompt of the scope that the threshold or the verifier accepts and
   * whose slots agree with the prompt's; `rejected` tells why the closest accepted one was refused,
   * if it was. `similarity` is always the cosine of the features, also for verified paraphrases.
   */
  lookup(scope: string, query: string | AnalysedPrompt): SemanticMatch<T> | null {
    const index = this.#scopes.get(scope);
    if (!index) return null;
    const prompt = typeof query === 'string' ? query : query.text;
    const floor = this.#verify ? this.threshold - STRICT_MARGIN : this.threshold;
    const analysis = this.#analysis(query);
    const groups = index.search(analysis.embedding);
    analysis.found = { index, groups };
    const candidates = this.#candidatesIn(groups, this.#key(prompt, analysis), analysis.embedding).filter((match) => match.similarity >= floor);
    if (candidates.length === 0) return null;
    const words = this.#verify && candidates.some((match) => match.similarity < this.threshold) ? (analysis.words ??= promptWords(prompt)) : null;
    // The guard in two steps: numbers first (compareSlots reads them first, so a difference there is
    // its verdict too), every slot only for a candidate whose numbers agree.
    const numbers = this.#guard ? this.#numbers(prompt, analysis) : null;
    let firstRejection: SemanticMatch<T> | null = null;
    for (const { stored, similarity } of candidates) {
      const evidence = words ? verifyParaphrase(words, (stored.words ??= promptWords(stored.prompt)), similarity, this.threshold) : similarity >= this.threshold ? 'similarity' : null;
      if (evidence === null) continue;
      let verdict: GuardVerdict = null;
      if (numbers) verdict = sameNumbers(numbers, stored.numbers) ? compareSlots((analysis.slots ??= extractSlots(prompt)), (stored.slots ??= extractSlots(stored.prompt))) : 'numbers';
      if (verdict === null) return { hit: true, value: stored.value, similarity, evidence };
      firstRejection ??= { hit: false, rejected: verdict, similarity };
    }
    return firstRejection;
  }

  /**
   * The stored prompts a lookup judges, scored on their own embeddings, best first: in the nearest
   * groups, those filed under the query's key (the only ones the guard can let through) until
   * `candidates` have been gathered, and from each group one prompt under another key, which the
   * guard refuses on its numbers: it tells the receipt how close the nearest refused prompt was, as
   * when every prompt had a point of its own.
   */
  #candidatesIn(groups: readonly IndexMatch<PromptGroup<StoredPrompt<T>>>[], key: string, query: PromptEmbedding): Array<{ stored: StoredPrompt<T>; similarity: number }> {
    const scored: Array<{ stored: StoredPrompt<T>; similarity: number }> = [];
    let underKey = 0;
    for (const { value: group, similarity: toPoint } of groups) {
      if (underKey < this.#candidates) {
        const members = group.membersUnder(key);
        for (const stored of members) scored.push({ stored, similarity: this.#similarity(query, stored, group, toPoint) });
        underKey += members.length;
      }
      const other = group.memberNotUnder(key);
      if (other) scored.push({ stored: other, similarity: this.#similarity(query, other, group, toPoint) });
    }
    return scored.sort((left, right) => right.similarity - left.similarity);
  }

  /** The exact similarity of a group member to the query; the group's first prompt has the point's vector, which the search scored already. */
  #similarity(query: PromptEmbedding, stored: StoredPrompt<T>, group: PromptGroup<StoredPrompt<T>>, toPoint: number): number {
    return stored.embedding === group.embedding ? toPoint : this.#embedder.similarity(query, stored.embedding);
  }
}

let sharedEmbedder: Embedder | undefined;
// The projection table (256 KB of sign bits) takes about 25 ms of CPU to build; every cache without its own embedder shares one.
function defaultEmbedder(): Embedder {
  sharedEmbedder ??= createHashedEmbedder();
  return sharedEmbedder;
}
