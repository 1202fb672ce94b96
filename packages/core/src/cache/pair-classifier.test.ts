import { describe, expect, it } from 'vitest';
import { createHashedEmbedder } from './hashed-embedder.js';
import { classifierCut, paraphraseProbability, treeProbability } from './pair-classifier.js';
import { promptWords } from './paraphrase-verifier.js';
import { createSemanticCache } from './semantic-cache.js';

const embedder = createHashedEmbedder();
const probability = (cached: string, query: string) => paraphraseProbability(promptWords(query), promptWords(cached), embedder.similarity(embedder.embed(query), embedder.embed(cached)));

describe('pair classifier', () => {
  it('walks right when a feature is above the split and adds the leaves to the bias', () => {
    const model = { depth: 1, bias: 0, features: [[0], [-1]], thresholds: [[0.5], [0]], leaves: [[-1, 1], [0.5, 2]] };
    // Tree 1 splits feature 0 at 0.5; tree 2 never splits (its left leaf always).
    expect(treeProbability(model, [0.9])).toBeCloseTo(1 / (1 + Math.exp(-1.5)));
    expect(treeProbability(model, [0.1])).toBeCloseTo(1 / (1 + Math.exp(0.5)));
  });

  it('gives a question about another subject a probability below the loosest cut, without the slot guard', () => {
    for (const [cached, query] of [
      ['What is the capital of France?', 'What is the capital of Germany?'],
      ['How do I learn Python quickly?', 'How do I learn Java quickly?'],
      ['How do I cook rice?', 'How do I cook pasta?'],
      ['Why is the sky blue?', 'Why is the ocean blue?'],
    ] as const) {
      expect(probability(cached, query), `${cached} / ${query}`).toBeLessThan(classifierCut(0.9));
    }
  });

  it('maps thresholds 0.90..0.99 to cuts that never fall, and turns itself off at the default 0.95', () => {
    const cuts = [0.9, 0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99].map(classifierCut);
    cuts.slice(1).forEach((cut, index) => expect(cut).toBeGreaterThanOrEqual(cuts[index]!));
    expect(cuts[0]).toBeGreaterThan(0.5);
    expect(classifierCut(0.95)).toBe(1);
  });

  it('lets the cache answer a reworded question at threshold 0.90 through the classifier, not at 0.95', () => {
    const loose = createSemanticCache<string>({ similarityThreshold: 0.9 });
    loose.store('scope', 'How do I make money online?', 'answer');
    expect(loose.lookup('scope', 'How can I earn money online?')).toMatchObject({ hit: true, value: 'answer', evidence: 'classifier' });
    expect(loose.lookup('scope', 'How can I earn money offline?')?.hit ?? false).toBe(false);
    const strict = createSemanticCache<string>();
    strict.store('scope', 'How do I make money online?', 'answer');
    expect(strict.lookup('scope', 'How can I earn money online?')).toBeNull();
  });
});
