import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';
import { createSemanticCache, type SemanticCacheOptions } from './semantic-cache.js';

/** One labelled pair: would the answer to `a` be a right answer to `b`? */
export interface LabelledPromptPair {
  a: string;
  b: string;
  /** True when `b` asks the same thing as `a` (QQP's and MRPC's label; `hit` is accepted too). */
  duplicate: boolean;
  id?: string;
}

const pairSchema = z
  .object({ id: z.union([z.string(), z.number()]).optional(), a: z.string().min(1), b: z.string().min(1), duplicate: z.boolean().optional(), hit: z.boolean().optional() })
  .refine((row) => row.duplicate !== undefined || row.hit !== undefined, { message: 'needs a boolean `duplicate` or `hit`', path: ['duplicate'] });

/** Parses JSONL pairs `{a, b, duplicate}` (or `hit`); errors name the line and the field. */
export function parseLabelledPairs(jsonl: string): LabelledPromptPair[] {
  const pairs: LabelledPromptPair[] = [];
  jsonl.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new InvalidRequestError(`line ${index + 1}: not JSON`, { param: `line ${index + 1}`, cause: error });
    }
    const parsed = pairSchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidRequestError(`line ${index + 1}: ${issue.path.join('.') || 'row'}: ${issue.message}`, { param: `line ${index + 1}.${issue.path.join('.')}` });
    }
    const { id, a, b, duplicate, hit } = parsed.data;
    pairs.push({ a, b, duplicate: (duplicate ?? hit)!, ...(id === undefined ? {} : { id: String(id) }) });
  });
  return pairs;
}

export interface CachePairEvaluation {
  threshold: number;
  guard: boolean;
  verify: boolean;
  pairs: number;
  duplicates: number;
  hits: number;
  true_hits: number;
  /** Share of hits that were labelled duplicate; 1 when nothing hit. */
  precision: number;
  /** Share of duplicates that hit. */
  recall: number;
  false_hits: Array<LabelledPromptPair & { similarity: number }>;
}

/**
 * Measures the semantic cache on labelled pairs: for each pair, `a` is stored in a fresh scope and
 * `b` looked up, so pairs never see each other's entries.
 *
 * @example
 * const result = evaluateCachePairs(parseLabelledPairs(text), { similarityThreshold: 0.95 });
 * console.log(result.precision, result.recall, result.false_hits.length);
 */
export function evaluateCachePairs(pairs: readonly LabelledPromptPair[], options: SemanticCacheOptions = {}): CachePairEvaluation {
  const cache = createSemanticCache<number>(options);
  let hits = 0;
  let trueHits = 0;
  const falseHits: CachePairEvaluation['false_hits'] = [];
  pairs.forEach((pair, index) => {
    const scope = `pair-${index}`;
    const handle = cache.store(scope, pair.a, index);
    const match = cache.lookup(scope, pair.b);
    cache.remove(handle);
    if (!match?.hit) return;
    hits += 1;
    if (pair.duplicate) trueHits += 1;
    else falseHits.push({ ...pair, similarity: Math.round(match.similarity * 10_000) / 10_000 });
  });
  const duplicates = pairs.filter((pair) => pair.duplicate).length;
  return {
    threshold: cache.threshold,
    guard: options.guard ?? true,
    verify: options.verify ?? true,
    pairs: pairs.length,
    duplicates,
    hits,
    true_hits: trueHits,
    precision: hits === 0 ? 1 : trueHits / hits,
    recall: duplicates === 0 ? 0 : trueHits / duplicates,
    false_hits: falseHits,
  };
}
