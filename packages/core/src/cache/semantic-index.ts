import hnswlib from 'hnswlib-node';
import type { PromptEmbedding } from './hashed-embedder.js';

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

/**
 * The prompts of one cache scope (a tenant and a conversation context). Starts as a linear scan
 * over the dense vectors and moves to an HNSW graph once it passes `bruteForceLimit` entries; the
 * best few dense neighbours are re-scored with the exact similarity.
 */
export class SemanticIndex<T> {
  readonly #options: SemanticIndexOptions;
  readonly #entries = new Map<number, IndexedPrompt<T>>();
  #nextLabel = 0;
  #graph: hnswlib.HierarchicalNSW | null = null;
  #freeLabels: number[] = [];
  readonly #graphLabels = new Set<number>();

  constructor(options: SemanticIndexOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Whether searches go through the HNSW graph (true) or a linear scan. */
  get usesGraph(): boolean {
    return this.#graph !== null;
  }

  add(entry: IndexedPrompt<T>): number {
    const label = this.#freeLabels.pop() ?? this.#nextLabel++;
    this.#entries.set(label, entry);
    if (this.#graph) this.#addToGraph(this.#graph, label, entry);
    else if (this.#entries.size > this.#options.bruteForceLimit) this.#buildGraph();
    return label;
  }

  remove(label: number): void {
    if (!this.#entries.delete(label)) return;
    if (this.#graph) {
      this.#graph.markDelete(label);
      this.#freeLabels.push(label);
    }
  }

  /** The nearest few entries, re-scored on the exact similarity, best first. */
  search(query: PromptEmbedding): IndexMatch<T>[] {
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

  #neighbours(query: PromptEmbedding): number[] {
    const wanted = Math.min(this.#options.candidates, this.#entries.size);
    if (wanted === 0) return [];
    if (this.#graph) return this.#graph.searchKnn(Array.from(query.dense), wanted).neighbors;
    // Linear scan keeping the top `wanted` dense dot products (vectors are unit length).
    const labels: number[] = [];
    const scores: number[] = [];
    const vector = query.dense;
    for (const [label, entry] of this.#entries) {
      const dense = entry.embedding.dense;
      let dot = 0;
      for (let index = 0; index < vector.length; index += 1) dot += vector[index]! * dense[index]!;
      if (labels.length === wanted && dot <= scores[wanted - 1]!) continue;
      let position = Math.min(labels.length, wanted - 1);
      while (position > 0 && scores[position - 1]! < dot) position -= 1;
      labels.splice(position, 0, label);
      scores.splice(position, 0, dot);
      if (labels.length > wanted) {
        labels.pop();
        scores.pop();
      }
    }
    return labels;
  }

  #buildGraph(): void {
    const graph = new hnswlib.HierarchicalNSW('cosine', this.#options.dimensions);
    graph.initIndex({ maxElements: Math.max(1024, this.#entries.size * 2), m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: 7 });
    graph.setEf(HNSW_EF_SEARCH);
    for (const [label, entry] of this.#entries) this.#addToGraph(graph, label, entry);
    this.#graph = graph;
  }

  #addToGraph(graph: hnswlib.HierarchicalNSW, label: number, entry: IndexedPrompt<T>): void {
    if (graph.getCurrentCount() >= graph.getMaxElements()) graph.resizeIndex(graph.getMaxElements() * 2);
    // A freed label is un-deleted and its point overwritten, so the graph does not grow with churn.
    if (this.#graphLabels.has(label)) graph.unmarkDelete(label);
    this.#graphLabels.add(label);
    graph.addPoint(Array.from(entry.embedding.dense), label);
  }
}
