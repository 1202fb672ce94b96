import { describe, expect, it } from 'vitest';
import { LatencyTracker } from '../catalog/latency-tracker.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ChatRequest } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';
import type { QualityScorer } from './quality-scorer.js';
import { Router } from './router.js';

const catalog = new ModelCatalog({ providers: ['openai', 'anthropic', 'google', 'groq', 'mistral', 'together'] });
const ask = (model: string, content = 'What is 2 + 2?', extra: Partial<ChatRequest> = {}): ChatRequest => ({ model, messages: [{ role: 'user', content }], ...extra });

/** A scorer whose strong-win probability is fixed per prompt, so the tests know the right answer. */
const fixedScorer = (name: string, byPrompt: Record<string, number>): QualityScorer => ({
  name,
  models: ['strong', 'weak'],
  defaultThreshold: 0.5,
  predict: (text) => Float64Array.of(byPrompt[text] ?? 0.5, 0.5),
  strongWinProbability: (text) => byPrompt[text] ?? 0.5,
});

describe('router-<scorer>-<threshold>', () => {
  const router = new Router({ catalog, scorers: [fixedScorer('fixed', { hard: 0.8, easy: 0.2 })], pairs: { fixed: { strong: 'openai/gpt-4.1', weak: 'openai/gpt-4.1-mini' } } });

  it('sends a prompt to the strong model when its strong-win probability reaches the threshold, with the weak one as fallback', () => {
    const decision = router.decide(ask('router-fixed-0.5', 'hard'));
    expect(decision.candidates.map((candidate) => candidate.model.id)).toEqual(['openai/gpt-4.1', 'openai/gpt-4.1-mini']);
    expect(decision.strategy).toBe('router-fixed-0.5');
    expect(router.decide(ask('router-fixed-0.8', 'hard')).candidates[0]!.model.id).toBe('openai/gpt-4.1');
  });

  it('sends it to the weak model below the threshold', () => {
    expect(router.decide(ask('router-fixed-0.5', 'easy')).candidates[0]!.model.id).toBe('openai/gpt-4.1-mini');
    expect(router.decide(ask('router-fixed-0.81', 'hard')).candidates[0]!.model.id).toBe('openai/gpt-4.1-mini');
  });

  it('applies hard constraints first: an excluded provider is never chosen whatever the score', () => {
    const mixed = new Router({ catalog, scorers: [fixedScorer('fixed', { hard: 0.9 })], pairs: { fixed: { strong: 'anthropic/claude-sonnet-4-5', weak: 'openai/gpt-4.1-mini' } } });
    const decision = mixed.decide(ask('router-fixed-0.5', 'hard'), { exclude_providers: ['anthropic'] });
    expect(decision.candidates.map((candidate) => candidate.model.id)).toEqual(['openai/gpt-4.1-mini']);
    expect(decision.rejected[0]!.reason).toBe('provider excluded by hints');
  });

  it('names the available scorers when the model string asks for an unknown one', () => {
    expect(() => router.decide(ask('router-nope-0.5'))).toThrowError(InvalidRequestError);
    expect(() => router.decide(ask('router-nope-0.5'))).toThrowError(/lr, complexity, default, fixed/);
  });

  it('routes with the shipped learned scorer out of the box, by default between gpt-4.1 and gpt-4.1-nano', () => {
    const shipped = new Router({ catalog });
    const always = shipped.decide(ask('router-lr-0'));
    expect(always.candidates[0]!.model.id).toBe('openai/gpt-4.1');
    const never = shipped.decide(ask('router-lr-1'));
    expect(never.candidates[0]!.model.id).toBe('openai/gpt-4.1-nano');
    expect(always.reason).toMatch(/strong-win probability 0\.\d{3} >= threshold 0/);
  });

  it('routes with the cold-start complexity scorer: a long proof request scores above a greeting', () => {
    const shipped = new Router({ catalog });
    const proof = 'Prove step by step that the sum of the first n odd numbers equals n^2, then derive a closed form for the sum of squares and analyze the complexity of computing it.';
    const greeting = 'hi there';
    const score = (content: string) => shipped.decide(ask('router-complexity-0', content)).candidates[0]!.score;
    expect(score(proof)).toBeGreaterThan(score(greeting));
  });
});

describe('router@q:…|c:…', () => {
  const latency = new LatencyTracker();
  const router = new Router({ catalog, latency });

  it('with quality only, ranks the highest predicted quality first', () => {
    const decision = router.decide(ask('router@q:1|c:0'));
    const qualities = decision.candidates.map((candidate) => candidate.predictedQuality!);
    expect(qualities).toEqual([...qualities].sort((a, b) => b - a));
  });

  it('with a heavy cost weight, picks a cheap model', () => {
    const decision = router.decide(ask('router@q:1|c:10'));
    const cheapest = Math.min(...decision.candidates.map((candidate) => candidate.estimatedCostUsd));
    expect(decision.candidates[0]!.estimatedCostUsd).toBeLessThan(cheapest * 3);
  });

  it('keeps to the listed models and providers', () => {
    const decision = router.decide(ask('router@q:1|c:0.5|models:openai/gpt-4.1,openai/gpt-4.1-mini,anthropic/claude-haiku-4-5|providers:openai'));
    expect(decision.candidates.map((candidate) => candidate.model.id).sort()).toEqual(['openai/gpt-4.1', 'openai/gpt-4.1-mini']);
  });

  it('uses live latency: a model measured slow loses under a time-to-first-token weight', () => {
    const pair = 'models:openai/gpt-4.1-mini,google/gemini-2.5-flash';
    const tracker = new LatencyTracker();
    const live = new Router({ catalog, latency: tracker });
    tracker.record('openai/gpt-4.1-mini', { timeToFirstTokenMs: 9000, interTokenMs: 10, totalMs: 12000 });
    tracker.record('google/gemini-2.5-flash', { timeToFirstTokenMs: 200, interTokenMs: 10, totalMs: 3200 });
    expect(live.decide(ask(`router@q:0|t:1|${pair}`)).candidates[0]!.model.id).toBe('google/gemini-2.5-flash');
    tracker.record('openai/gpt-4.1-mini', { timeToFirstTokenMs: 50, interTokenMs: 10, totalMs: 3000 });
    tracker.record('openai/gpt-4.1-mini', { timeToFirstTokenMs: 50, interTokenMs: 10, totalMs: 3000 });
    for (let sample = 0; sample < 30; sample++) tracker.record('openai/gpt-4.1-mini', { timeToFirstTokenMs: 50, interTokenMs: 10, totalMs: 3000 });
    expect(live.decide(ask(`router@q:0|t:1|${pair}`)).candidates[0]!.model.id).toBe('openai/gpt-4.1-mini');
  });

  it('holds min_quality_score against the predicted quality and needs tools when the request has tools', () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: {} } }];
    const decision = router.decide(ask('router@q:1|c:1', 'What is 2 + 2?', { tools }), { min_quality_score: 0.8 });
    expect(decision.candidates.every((candidate) => candidate.predictedQuality! >= 0.8 && candidate.model.capabilities.tools)).toBe(true);
  });
});
