import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ChatResponse } from '../chat/chat-response.js';
import { Engine } from '../pipeline/engine.js';
import type { ModelCall } from '../pipeline/engine-middleware.js';
import { MemoryOutcomeStore } from './memory-outcome-store.js';
import type { JudgingOptions } from './sampled-judging.js';

const catalog = new ModelCatalog({ providers: ['openai'] });
const strong = catalog.get('openai/gpt-4.1')!;
const judgeModel = catalog.get('openai/gpt-4.1-mini')!;

function response(content: string): ChatResponse {
  return { id: 'upstream', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 } };
}

function deferred(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

/**
 * Models answer with their name ("answer of openai/gpt-4.1"); the judge waits for `gate`, then picks
 * whichever answer came from the strong model (so its verdict does not depend on the order).
 */
function setup(judging: Omit<JudgingOptions, 'judge'>, gate: Promise<void> = Promise.resolve(), model = 'router-default-0.5') {
  const calls: string[] = [];
  const call: ModelCall = async (attempt) => {
    calls.push(attempt.model.id);
    if (attempt.model.id === judgeModel.id) {
      await gate;
      const prompt = String(attempt.request.messages.at(-1)!.content);
      const a = prompt.slice(prompt.indexOf('Answer A:'), prompt.indexOf('Answer B:'));
      return { type: 'response', response: response(a.includes(`${strong.id}.`) ? 'A' : 'B') };
    }
    return { type: 'response', response: response(`answer of ${attempt.model.id}.`) };
  };
  const outcomes = new MemoryOutcomeStore();
  const engine = new Engine({ call, catalog, learning: { outcomes, judging: { judge: judgeModel.id, ...judging } } });
  const ask = async (tenant: string, text = 'What is the capital of France?') => {
    const exchange = engine.createExchange({ request: { model, messages: [{ role: 'user', content: text }] }, tenant });
    await engine.run(exchange);
    return exchange.receipt;
  };
  return { engine, calls, outcomes, ask };
}

describe('sampled judging', () => {
  it('runs after the answer: a judge that has not answered yet holds up no client; both orders, both scores stored', async () => {
    const gate = deferred();
    const judged = deferred();
    const results: Array<{ scores: Record<string, number>; cost_usd: number }> = [];
    const { calls, outcomes, ask } = setup({ share: 1, spendLimitUsd: 1, tenants: ['acme'], onJudged: (result) => (results.push(result), judged.release()) }, gate.promise);
    // The client's request resolves while the judge is still waiting (if it waited for the judge, this would never resolve).
    const receipt = await ask('acme');
    expect(receipt.status).toBe('ok');
    expect(results).toHaveLength(0);
    gate.release();
    await judged.promise;
    const other = receipt.candidates.find((candidate) => candidate.eligible && candidate.model !== receipt.winner)!.model;
    expect(calls.filter((model) => model === judgeModel.id)).toHaveLength(2);
    expect(calls.filter((model) => model === other)).toHaveLength(1);
    const expected = { [strong.id]: 1, [receipt.winner === strong.id ? other : receipt.winner!]: 0 };
    expect(results[0]!.scores).toEqual(expected);
    expect((await outcomes.scored())[0]!.scores).toEqual(expected);
  });

  it('never judges a tenant that has not opted in, nor more than the share', async () => {
    const { calls, ask } = setup({ share: 1, spendLimitUsd: 1, tenants: ['acme'] });
    await ask('globex');
    const none = setup({ share: 0, spendLimitUsd: 1, tenants: ['acme'] });
    await none.ask('acme');
    expect([...calls, ...none.calls].filter((model) => model === judgeModel.id)).toHaveLength(0);
    // Only the request's own call was made for each.
    expect(calls).toHaveLength(1);
    expect(none.calls).toHaveLength(1);
  });

  it('stays inside its spend cap, counting judgements still running at their worst case', async () => {
    const gate = deferred();
    const costs: number[] = [];
    // router-default-0 always answers with the strong model, so the other is the cheap one. Its capped
    // answer dominates a judgement's worst case: the cap has room for one judgement, not two.
    const weak = catalog.get('openai/gpt-4.1-nano')!;
    const maxAnswerTokens = 20_000;
    const otherAnswer = (maxAnswerTokens * weak.outputPricePerMillion) / 1e6;
    const oneJudgementAtMost = otherAnswer + (200 * weak.inputPricePerMillion + 2 * (2000 * judgeModel.inputPricePerMillion + 4 * judgeModel.outputPricePerMillion)) / 1e6;
    const spendLimitUsd = 1.5 * oneJudgementAtMost;
    expect(2 * otherAnswer).toBeGreaterThan(spendLimitUsd);
    const judged = deferred();
    const { calls, ask } = setup({ share: 1, spendLimitUsd, maxAnswerTokens, tenants: ['acme'], onJudged: (result) => (costs.push(result.cost_usd), judged.release()) }, gate.promise, 'router-default-0');
    for (let index = 0; index < 4; index++) await ask('acme', `What is the capital of country ${index}?`);
    // Three of the four were refused while the first held its worst case; only it reached the judge.
    expect(calls.filter((model) => model === weak.id)).toHaveLength(1);
    gate.release();
    await judged.promise;
    expect(calls.filter((model) => model === judgeModel.id)).toHaveLength(2);
    expect(costs).toHaveLength(1);
    expect(costs.reduce((sum, cost) => sum + cost, 0)).toBeLessThanOrEqual(spendLimitUsd);
  });

  it('refuses a judge that is not routable here', () => {
    expect(() => setup({ share: 1, spendLimitUsd: 1, tenants: ['acme'], judge: 'anthropic/claude-opus-4' } as JudgingOptions)).toThrow(/not a routable model/);
  });
});
