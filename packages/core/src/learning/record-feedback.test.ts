import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ChatResponse } from '../chat/chat-response.js';
import { Engine } from '../pipeline/engine.js';
import { ActiveRouter } from './active-router.js';
import { challengeRouter } from './challenge-router.js';
import { MemoryOutcomeStore } from './memory-outcome-store.js';

const catalog = new ModelCatalog({ providers: ['openai'] });

function response(model: string): ChatResponse {
  return { id: 'upstream', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
}

function learningEngine(outcomes = new MemoryOutcomeStore(), router = new ActiveRouter()) {
  return new Engine({ call: async (attempt) => ({ type: 'response', response: response(attempt.request.model) }), catalog, learning: { outcomes, router } });
}

async function ask(engine: Engine, text: string, tenant = 'acme', model = 'router-default-0.5') {
  const exchange = engine.createExchange({ request: { model, messages: [{ role: 'user', content: text }] }, tenant });
  await engine.run(exchange);
  return exchange.receipt;
}

describe('Engine.feedback', () => {
  it('stores a score with the prompt features the router read, never the text', async () => {
    const outcomes = new MemoryOutcomeStore();
    const engine = learningEngine(outcomes);
    const receipt = await ask(engine, 'Prove that the square root of two is irrational.');
    expect(receipt.router_version).toBe('shipped');
    const result = await engine.feedback({ request_id: receipt.request_id, score: 0.75 }, 'acme');
    expect(result).toEqual({ object: 'feedback', request_id: receipt.request_id, model: receipt.winner, score: 0.75, replaced: false });
    const [stored] = await outcomes.scored();
    expect(stored!.scores).toEqual({ [receipt.winner!]: 0.75 });
    expect(stored!.router_version).toBe('shipped');
    expect(stored!.features).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.stringify(stored)).not.toContain('irrational');
  });

  it('replaces an earlier score for the same request and model, and keeps scores of two compared models', async () => {
    const outcomes = new MemoryOutcomeStore();
    const engine = learningEngine(outcomes);
    const receipt = await ask(engine, 'What is the capital of France?');
    const other = receipt.candidates.find((candidate) => candidate.eligible && candidate.model !== receipt.winner)!.model;
    await engine.feedback({ request_id: receipt.request_id, thumbs: 'down' }, 'acme');
    const again = await engine.feedback({ request_id: receipt.request_id, thumbs: 'up' }, 'acme');
    expect(again.replaced).toBe(true);
    await engine.feedback({ request_id: receipt.request_id, score: 0.2, model: other }, 'acme');
    const stored = await outcomes.scored();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.scores).toEqual({ [receipt.winner!]: 1, [other]: 0.2 });
  });

  it('refuses another tenant, unknown ids, bad scores and models the request did not rank, with typed 4xx errors', async () => {
    const engine = learningEngine();
    const receipt = await ask(engine, 'Hello there');
    await expect(engine.feedback({ request_id: receipt.request_id, score: 1 }, 'globex')).rejects.toMatchObject({ status: 404, code: 'receipt_not_found', param: 'request_id' });
    await expect(engine.feedback({ request_id: 'req-nope', score: 1 }, 'acme')).rejects.toMatchObject({ status: 404, code: 'receipt_not_found' });
    await expect(engine.feedback({ request_id: receipt.request_id, score: 1.5 }, 'acme')).rejects.toMatchObject({ status: 400, code: 'invalid_feedback', param: 'score' });
    await expect(engine.feedback({ request_id: receipt.request_id, score: '1' }, 'acme')).rejects.toMatchObject({ status: 400, param: 'score' });
    await expect(engine.feedback({ request_id: receipt.request_id, thumbs: 'sideways' }, 'acme')).rejects.toMatchObject({ status: 400, param: 'thumbs' });
    await expect(engine.feedback({ request_id: receipt.request_id, score: 1, thumbs: 'up' }, 'acme')).rejects.toMatchObject({ status: 400, code: 'invalid_feedback' });
    await expect(engine.feedback({ request_id: receipt.request_id }, 'acme')).rejects.toMatchObject({ status: 400, param: 'score' });
    await expect(engine.feedback({ request_id: receipt.request_id, score: 1, rating: 5 }, 'acme')).rejects.toMatchObject({ status: 400, param: 'rating' });
    await expect(engine.feedback({ request_id: receipt.request_id, score: 1, model: 'anthropic/claude-opus-4' }, 'acme')).rejects.toMatchObject({ status: 400, param: 'model' });
    await expect(engine.feedback({ request_id: 42, score: 1 }, 'acme')).rejects.toMatchObject({ status: 400, param: 'request_id' });
  });

  it('is a clear error when learning is off', async () => {
    const engine = new Engine({ call: async (attempt) => ({ type: 'response', response: response(attempt.request.model) }), catalog });
    await expect(engine.feedback({ request_id: 'x', score: 1 })).rejects.toMatchObject({ status: 400, code: 'learning_off' });
  });

  it('prepares no features for an explicit model, but still stores its feedback', async () => {
    const outcomes = new MemoryOutcomeStore();
    const engine = learningEngine(outcomes);
    const receipt = await ask(engine, 'Hello', 'acme', 'openai/gpt-4.1-mini');
    expect(receipt.router_version).toBeUndefined();
    await engine.feedback({ request_id: receipt.request_id, score: 1 }, 'acme');
    expect((await outcomes.scored())[0]!.features).toBeNull();
  });
});

describe('ActiveRouter', () => {
  it('puts a promoted router in charge of default and auto at the next request, and rolls back', async () => {
    const outcomes = new MemoryOutcomeStore();
    const active = new ActiveRouter();
    const engine = learningEngine(outcomes, active);
    // Feedback with a known signal: questions about proofs need the strong model, greetings do not.
    for (let index = 0; index < 240; index++) {
      const hard = index % 2 === 0;
      const receipt = await ask(engine, hard ? `Prove lemma ${index} about the eigenvalue of the operator` : `Hello, thanks for the coffee number ${index}`);
      await engine.feedback({ request_id: receipt.request_id, score: 1, model: 'openai/gpt-4.1' }, 'acme');
      await engine.feedback({ request_id: receipt.request_id, score: hard ? 0 : 1, model: 'openai/gpt-4.1-nano' }, 'acme');
    }
    const challenge = challengeRouter(await outcomes.scored(), { champion: { version: active.version }, strong: 'openai/gpt-4.1', weak: 'openai/gpt-4.1-nano', resamples: 200 });
    expect(challenge.file).toBeDefined();
    active.use(1, challenge.file);
    const routed = await ask(engine, 'Prove lemma 7 about the eigenvalue of the operator');
    expect(routed.router_version).toBe('learned-v1');
    expect(routed.winner).toBe('openai/gpt-4.1');
    expect((await ask(engine, 'Hello, thanks for the coffee number 7')).winner).toBe('openai/gpt-4.1-nano');
    expect((await ask(engine, 'Hello', 'acme', 'auto')).router_version).toBe('learned-v1');
    active.use(null);
    expect((await ask(engine, 'Hello', 'acme')).router_version).toBe('shipped');
  });
});
