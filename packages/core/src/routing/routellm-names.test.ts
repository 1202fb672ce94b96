import { describe, expect, it } from 'vitest';
import { LatencyTracker } from '../catalog/latency-tracker.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { InvalidRequestError } from '../errors.js';
import { Router } from './router.js';
import { routeLLMStrongShare, routeLLMThreshold, thresholdAtShare } from './routellm-names.js';
import { shippedStrongWeakScorer } from './shipped-routers.js';

const router = new Router({ catalog: new ModelCatalog({ providers: ['openai'] }), latency: new LatencyTracker() });
const ask = (model: string, content = 'Hello!') => ({ model, messages: [{ role: 'user' as const, content }] });

describe("RouteLLM's model strings", () => {
  it('reads router-mf-0.11593 as 50% strong calls, the point its docs publish', () => {
    expect(routeLLMStrongShare('mf', 0.11593)).toBeCloseTo(0.5, 6);
    expect(routeLLMStrongShare('mf', 0)).toBe(1);
    expect(routeLLMStrongShare('mf', 1)).toBe(0);
    expect(routeLLMStrongShare('bert', 0.3)).toBeCloseTo(0.7, 6);
    // More threshold never means more strong calls.
    const shares = [0, 0.05, 0.11593, 0.2, 0.5, 0.9, 1].map((threshold) => routeLLMStrongShare('mf', threshold));
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
  });

  it('inverts the share back to RouteLLM\'s threshold, as calibrate_threshold prints it', () => {
    expect(routeLLMThreshold('mf', 0.5)).toBeCloseTo(0.11593, 6);
    for (const share of [0, 0.1, 0.3, 0.5, 0.8, 1]) for (const name of ['mf', 'bert']) expect(routeLLMStrongShare(name, routeLLMThreshold(name, share))).toBeCloseTo(share, 6);
  });

  it('runs the default router at the threshold that gives the same strong share, and says so', () => {
    const decision = router.decide(ask('router-mf-0.11593'));
    const expected = thresholdAtShare(shippedStrongWeakScorer().file.thresholds, 0.5);
    expect(decision.strategy).toBe(`router-default-${Math.round(expected * 1e4) / 1e4}`);
    expect(decision.reason).toContain('router-mf-0.11593 (RouteLLM mf, 50% strong calls) ran as router-default-');
    for (const name of ['bert', 'causal_llm', 'sw_ranking']) expect(router.decide(ask(`router-${name}-0.5`)).strategy).toMatch(/^router-default-/);
  });

  it('sends a hard prompt strong and a greeting weak under the same RouteLLM string', () => {
    const proof = router.decide(ask('router-mf-0.11593', 'Prove that there are infinitely many primes of the form 4k+3. Give a rigorous proof, step by step, and justify every lemma.'));
    const greeting = router.decide(ask('router-mf-0.11593'));
    expect(proof.candidates[0]!.model.id).toBe('openai/gpt-4.1');
    expect(greeting.candidates[0]!.model.id).toBe('openai/gpt-4.1-nano');
  });

  it('interpolates a calibration table and holds it flat beyond its ends', () => {
    const table = { '0.1': 0.7, '0.5': 0.55, '0.9': 0.5 };
    expect(thresholdAtShare(table, 0.3)).toBeCloseTo(0.625, 6);
    expect(thresholdAtShare(table, 0.01)).toBe(0.7);
    expect(thresholdAtShare(table, 1)).toBe(0.5);
  });

  it('still rejects names that are neither ours nor RouteLLM\'s', () => {
    expect(() => router.decide(ask('router-xyz-0.5'))).toThrow(InvalidRequestError);
  });
});
