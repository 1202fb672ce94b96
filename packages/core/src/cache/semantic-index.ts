import { createRequire } from 'node:module';
import type { HierarchicalNSW } from 'hnswlib-node';
import type { PromptEmbedding } from './hashed-embedder.js';
import { LinearScan } from './linear-scan.js';

/** One indexed prompt: its embedding and the id of the cached answer it points to. */
export interface IndexedPrompt<T> {
  readonly embedding: PromptEmbedding;
  readonly value: T;
}

export interface SemanticIndexOptions {
  /** Size of the dense vectors. */
  dimensions: number;
  /** Below this many entries a linear scan is used; above it, an HNSW graph. */
  bruteForceLimit: number;
  /** How many dense neighbours are re-scored on the exact features. */
  candidates: number;
  /** The exact similarity of two embeddings. */
  similarity(left: PromptEmbedding, right: PromptEmbedding): number;
}

/** The best match of a search, scored on the exact features. */
export interface IndexMatch<T> {
  readonly label: number;
  readonly value: T;
  readonly similarity: number;
}

// HNSW parameters chosen in bench/cache-lookup.ts: M=12 keeps the graph small; ef=48 keeps recall@1
// at 100k entries above 0.99 for the near-duplicates a cache looks for.
const HNSW_M = 12;
const HNSW_EF_CONSTRUCTION = 100;
const HNSW_EF_SEARCH = 48;

// hnswlib-node is a native addon, loaded at the first graph rather than at import: an app with the
// cache off, or whose scopes stay under `bruteForceLimit`, then runs where the native build is
// missing, and a scope that outgrows the limit there keeps its (exact, slower) linear scan.
let hnswlib: typeof import('hnswlib-node') | null | undefined;
function loadHnswlib(): typeof import('hnswlib-node') | null {
  if (hnswlib === undefined) {
    try {
      hnswlib = createRequire(import.meta.url)('hnswlib-node') as typeof import('hnswlib-node');
    } catch {
      hnswlib = null;
    }
  }
  return hnswlib;
}

/**
 * The prompts of one cache scope (a tenant and a conversation context). Starts as a linear scan
 * over the dense vectors and moves to an HNSW graph once it passes `bruteForceLimit` entries; the
 * best few dense neighbours are re-scored with the exact similarity.
 */
export class SemanticIndex<T> {
  readonly #options: SemanticIndexOptions;
  readonly #entries = new Map<number, IndexedPrompt<T>>();
  #nextLabel = 0;
  #graph: HierarchicalNSW | null = null;
  #scan: LinearScan | null;
  #freeLabels: number[] = [];
  readonly #graphLabels = new Set<number>();
  /** A graph being filled a batch per event-loop turn; the scan serves until it is complete. */
  #building: { graph: HierarchicalNSW; pending: number[]; done: Promise<void>; finish: () => void } | null = null;

  constructor(options: SemanticIndexOptions) {
    this.#options = options;
    this.#scan = new LinearScan(options.dimensions);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The values of every entry. */
  *values(): IterableIterator<T> {
    for (const entry of this.#entries.values()) yield entry.value;
  }

  /** Whether searches go through the HNSW graph (true) or a linear scan. */
  get usesGraph(): boolean {
    return this.#graph !== null;
  }

  add(entry: IndexedPrompt<T>): number {
    const label = this.#freeLabels.pop() ?? this.#nextLabel++;
    this.#entries.set(label, entry);
    if (this.#graph) {
      this.#addToGraph(this.#graph, label, entry);
      return label;
    }
    this.#scan!.add(label, entry.embedding.dense);
    if (this.#building) this.#building.pending.push(label);
    else if (this.#entries.size > this.#options.bruteForceLimit) this.#startBuilding();
    return label;
  }

  remove(label: number): void {
    if (!this.#entries.delete(label)) return;
    this.#scan?.remove(label);
    const graph = this.#graph ?? this.#building?.graph;
    if (graph && this.#graphLabels.has(label)) {
      graph.markDelete(label);
      this.#freeLabels.push(label);
    }
  }

  /** Resolves once a graph being built has taken over from the linear scan (at once if none is). */
  whenIndexed(): Promise<void> {
    return this.#building?.done ?? Promise.resolve();
  }

  /** The nearest few entries, re-scored on the exact similarity, best first. */
  search(query: PromptEmbedding): IndexMatch<T>[] {
    const everyEntry = this.#graph === null && this.#entries.size <= this.#options.candidates ? this.#everyEntryRanked(query) : null;
    if (everyEntry !== null) return everyEntry;
    const matches: IndexMatch<T>[] = [];
    for (const label of this.#neighbours(query)) {
      const entry = this.#entries.get(label);
      if (entry) matches.push({ label, value: entry.value, similarity: this.#options.similarity(query, entry.embedding) });
    }
    return matches.sort((left, right) => right.similarity - left.similarity);
  }

  /** Exhaustive search on the exact similarity: the reference recall@1 is measured against. */
  searchExact(query: PromptEmbedding): IndexMatch<T> | null {
    let best: IndexMatch<T> | null = null;
    for (const [label, entry] of this.#entries) {
      const similarity = this.#options.similarity(query, entry.embedding);
      if (!best || similarity > best.similarity) best = { label, value: entry.value, similarity };
    }
    return best;
  }

  /**
   * The search's answer when the scan would return every entry: each one scored on the exact
   * similarity, without the dense vectors (an embedding may project its own only when read). The
   * scan's order matters only between equal scores (the sort keeps it): null then, and the search
   * asks the scan.
   */
  #everyEntryRanked(query: PromptEmbedding): IndexMatch<T>[] | null {
    const matches: IndexMatch<T>[] = [];
    for (const [label, entry] of this.#entries) matches.push({ label, value: entry.value, similarity: this.#options.similarity(query, entry.embedding) });
    matches.sort((left, right) => right.similarity - left.similarity);
    for (let index = 1; index < matches.length; index += 1) if (!(matches[index - 1]!.similarity > matches[index]!.similarity)) return null;
    return matches;
  }

  #neighbours(query: PromptEmbedding): number[] {
    const wanted = Math.min(this.#options.candidates, this.#entries.size);
    if (wanted === 0) return [];
    if (this.#graph) return this.#graph.searchKnn(Array.from(query.dense), wanted).neighbors;
    return this.#scan!.top(query.dense, wanted);
  }

  // Inserting costs ~0.3 ms a point: building 500 at once would block the event loop for ~150 ms,
  // so the graph is filled in batches of 32 per turn while the scan keeps answering.
  #startBuilding(): void {
    const native = loadHnswlib();
    if (native === null) return;
    const graph = new native.HierarchicalNSW('cosine', this.#options.dimensions);
    graph.initIndex({ maxElements: Math.max(1024, this.#entries.size * 2), m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: 7 });
    graph.setEf(HNSW_EF_SEARCH);
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.#building = { graph, pending: [...this.#entries.keys()], done, finish };
    setImmediate(() => this.#buildStep());
  }

  #buildStep(): void {
    const building = this.#building!;
    for (const label of building.pending.splice(0, 32)) {
      const entry = this.#entries.get(label);
      if (entry) this.#addToGraph(building.graph, label, entry);
    }
    if (building.pending.length > 0) {
      setImmediate(() => this.#buildStep());
      return;
    }
    this.#graph = building.graph;
    this.#scan = null;
    this.#building = null;
    building.finish();
  }

  #addToGraph(graph: HierarchicalNSW, label: number, entry: IndexedPrompt<T>): void {
    if (graph.getCurrentCount() >= graph.getMaxElements()) graph.resizeIndex(graph.getMaxElements() * 2);
    // A freed label is un-deleted and its point overwritten, so the graph does not grow with churn.
    if (this.#graphLabels.has(label)) graph.unmarkDelete(label);
    this.#graphLabels.add(label);
    graph.addPoint(Array.from(entry.embedding.dense), label);
  }
}
