import { describe, expect, it } from 'vitest';
import { LatencyTracker } from '../catalog/latency-tracker.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ChatRequest } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';
import { autoTolerance } from './auto-strategy.js';
import { Router } from './router.js';

const catalog = new ModelCatalog({ providers: ['openai', 'anthropic', 'google', 'groq', 'mistral', 'together'] });
const router = new Router({ catalog, latency: new LatencyTracker() });
const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France?' }], ...extra });
const cost = (id: string) => catalog.get(id)!.inputPricePerMillion + catalog.get(id)!.outputPricePerMillion;

describe('auto', () => {
  it('picks the cheapest model whose predicted quality is within tolerance of the best, and shows the predictions', () => {
    const decision = router.decide(ask());
    const best = Math.max(...decision.candidates.map((candidate) => candidate.predictedQuality!));
    const within = decision.candidates.filter((candidate) => candidate.predictedQuality! >= best * (1 - autoTolerance.cost));
    expect(within.length).toBeGreaterThan(1);
    expect(decision.candidates.slice(0, within.length)).toEqual(within);
    const costs = within.map((candidate) => candidate.estimatedCostUsd);
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    expect(decision.candidates.every((candidate) => candidate.predictedQuality! >= 0 && candidate.predictedQuality! <= 1)).toBe(true);
    expect(decision.strategy).toBe('auto');
    expect(decision.reason).toContain('predicted quality');
  });

  it('sends a greeting to a cheap model and a hard proof to a strong one', () => {
    const greeting = router.decide(ask({ messages: [{ role: 'user', content: 'Hello!' }] })).candidates[0]!.model;
    const proof = router.decide(ask({ messages: [{ role: 'user', content: 'Prove that there are infinitely many primes of the form 4k+3. Give a rigorous proof, step by step, and justify every lemma.' }] })).candidates[0]!.model;
    expect(cost(greeting.id)).toBeLessThan(cost(proof.id));
    expect(greeting.quality).toBeLessThan(0.85);
    expect(proof.quality).toBeGreaterThanOrEqual(0.9);
  });

  it('never picks a model of an unconfigured provider', () => {
    const decision = router.decide(ask());
    expect(decision.candidates.every((candidate) => candidate.model.provider !== 'local')).toBe(true);
  });

  it('holds min_quality_score against the predicted quality', () => {
    const decision = router.decide(ask(), { min_quality_score: 0.9 });
    expect(decision.candidates.every((candidate) => candidate.predictedQuality! >= 0.9)).toBe(true);
    expect(decision.rejected.some((rejected) => rejected.reason === 'quality below min_quality_score')).toBe(true);
    // The same floor passes more models on an easy prompt than on a hard one: it holds against the prediction, not the tier.
    const hard = router.decide(ask({ messages: [{ role: 'user', content: 'Prove that there are infinitely many primes of the form 4k+3. Give a rigorous proof, step by step, and justify every lemma.' }] }), { min_quality_score: 0.8 });
    const easy = router.decide(ask({ messages: [{ role: 'user', content: 'Hello!' }] }), { min_quality_score: 0.8 });
    expect(easy.candidates.length).toBeGreaterThan(hard.candidates.length);
  });

  it('priority quality keeps within 5% of the best predicted quality at the lowest cost, latency picks the fastest', () => {
    const decision = router.decide(ask(), { priority: 'quality' });
    const best = Math.max(...decision.candidates.map((candidate) => candidate.predictedQuality!));
    const winner = decision.candidates[0]!;
    expect(winner.predictedQuality!).toBeGreaterThanOrEqual(best * 0.95);
    const within = decision.candidates.filter((candidate) => candidate.predictedQuality! >= best * 0.95);
    expect(winner.estimatedCostUsd).toBe(Math.min(...within.map((candidate) => candidate.estimatedCostUsd)));
    const fastest = router.decide(ask(), { priority: 'latency' }).candidates;
    const top = Math.max(...fastest.map((candidate) => candidate.predictedQuality!));
    const near = fastest.filter((candidate) => candidate.predictedQuality! >= top * (1 - autoTolerance.latency));
    expect(fastest[0]!.estimatedLatencyMs).toBe(Math.min(...near.map((candidate) => candidate.estimatedLatencyMs)));
  });

  it('honours excluded and preferred providers', () => {
    const excluded = router.decide(ask(), { exclude_providers: ['groq', 'openai'] });
    expect(excluded.candidates.some((candidate) => ['groq', 'openai'].includes(candidate.model.provider))).toBe(false);
    const preferred = router.decide(ask(), { prefer_providers: ['anthropic'] });
    expect(preferred.candidates[0]!.model.provider).toBe('anthropic');
    expect(preferred.reason).toContain('preferred');
  });

  it('honours max_latency_ms with live latency over the catalog figure', () => {
    const latency = new LatencyTracker();
    const live = new Router({ catalog, latency });
    const before = live.decide(ask(), { max_latency_ms: 2000 }).candidates[0]!.model.id;
    latency.record(before, { timeToFirstTokenMs: 9000, totalMs: 12_000 });
    const after = live.decide(ask(), { max_latency_ms: 2000 });
    expect(after.candidates.map((candidate) => candidate.model.id)).not.toContain(before);
    expect(after.rejected.find((rejected) => rejected.model.id === before)?.reason).toBe('expected latency above max_latency_ms');
  });

  it('requires tools, vision and JSON mode when the request needs them', () => {
    const vision = router.decide(ask({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }));
    expect(vision.candidates.every((candidate) => candidate.model.capabilities.vision)).toBe(true);
    expect(vision.rejected.some((rejected) => rejected.reason === 'no image input')).toBe(true);
    const json = router.decide(ask({ response_format: { type: 'json_object' } }));
    expect(json.candidates.every((candidate) => candidate.model.capabilities.jsonMode)).toBe(true);
  });

  it('sets aside models whose context window is too small', () => {
    const long = 'word '.repeat(160_000);
    const decision = router.decide(ask({ messages: [{ role: 'user', content: long }] }));
    expect(decision.candidates.every((candidate) => candidate.model.contextWindow >= 200_000)).toBe(true);
  });

  it('fails with a clear error when no model qualifies', () => {
    expect(() => router.decide(ask(), { min_quality_score: 0.99 })).toThrow(InvalidRequestError);
  });
});

describe('explicit models', () => {
  it('resolves provider/model and bare names, one candidate', () => {
    expect(router.decide(ask({ model: 'openai/gpt-4.1-mini' })).candidates.map((candidate) => candidate.model.id)).toEqual(['openai/gpt-4.1-mini']);
    expect(router.decide(ask({ model: 'gpt-4.1-mini' })).candidates[0]!.model.id).toBe('openai/gpt-4.1-mini');
  });

  it('rejects unknown models with 404 and unconfigured providers with 400', () => {
    expect(() => router.decide(ask({ model: 'gpt-9' }))).toThrow(expect.objectContaining({ status: 404, code: 'model_not_found', param: 'model' }));
    // A name the catalog does not know, of a configured provider, passes through; an unknown provider is named.
    expect(router.decide(ask({ model: 'openai/gpt-9' })).candidates[0]!.model).toMatchObject({ id: 'openai/gpt-9', upstreamModel: 'gpt-9', priceUnknown: true });
    expect(() => router.decide(ask({ model: 'nope/gpt-9' }))).toThrow(expect.objectContaining({ status: 404, code: 'provider_not_found', message: expect.stringContaining('"nope"') }));
    expect(() => router.decide(ask({ model: 'local/qwen2.5:7b' }))).toThrow(expect.objectContaining({ status: 400, code: 'provider_not_configured' }));
  });
});
