import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ModelInfo } from '../catalog/model-info.js';
import type { ChatResponse } from '../chat/chat-response.js';
import { parseRouterConfig } from '../config/parse-router-config.js';
import { Engine } from '../pipeline/engine.js';
import type { Receipt } from '../receipts/receipt.js';
import { ActiveQualityTable } from './active-quality-table.js';
import { MemoryOutcomeStore } from './memory-outcome-store.js';
import { learnModelQuality } from './model-quality-table.js';
import type { StoredOutcome } from './outcome.js';
import { createOutcomeFeaturizer, encodeSparseFeatures, outcomeFeaturizerKey } from './outcome-features.js';

const catalog = new ModelCatalog({ providers: ['openai'] });
const question = 'Which planet is the largest?\nA. Mars\nB. Jupiter\nC. Venus\nD. Earth';
const chat = 'Write a short thank-you note to my neighbour for watering the plants.';

function response(model: string): ChatResponse {
  return { id: 'upstream', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } };
}

function learningEngine(quality: ActiveQualityTable | false = new ActiveQualityTable(), outcomes = new MemoryOutcomeStore()) {
  return new Engine({ call: async (attempt) => ({ type: 'response', response: response(attempt.request.model) }), catalog, learning: { outcomes, quality } });
}

async function ask(engine: Engine, text: string, tenant = 'acme'): Promise<Receipt> {
  const exchange = engine.createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: text }] }, tenant });
  await engine.run(exchange);
  return exchange.receipt;
}

/** `times` requests of `text`, each with `model`'s answer scored `score` by the tenant (as an app comparing answers would). */
async function scoreAnswers(engine: Engine, text: string, times: number, score: number, model: string, tenant = 'acme'): Promise<void> {
  for (let index = 0; index < times; index++) {
    const receipt = await ask(engine, text, tenant);
    await engine.feedback({ request_id: receipt.request_id, score, model }, tenant);
  }
}

const predicted = (receipt: Receipt, model: string) => receipt.candidates.find((candidate) => candidate.model === model)!.predicted_quality!;

describe('auto learning per-model quality', () => {
  it('stops sending a category to a model that keeps losing on it, and keeps sending it the others', async () => {
    const outcomes = new MemoryOutcomeStore();
    const quality = new ActiveQualityTable();
    const engine = learningEngine(quality, outcomes);
    const before = await ask(engine, question);
    const chatBefore = await ask(engine, chat);
    const loser = before.winner!;
    await scoreAnswers(engine, question, 30, 0, loser);
    const table = await quality.refresh(outcomes);
    expect(table.outcomes).toBe(30);

    const after = await ask(engine, question);
    expect(after.winner).not.toBe(loser);
    // 30 zeros against a prior strength of 30: halfway to 0 (all in one band, which adds nothing to its category).
    expect(predicted(after, loser)).toBeCloseTo(predicted(before, loser) * 0.5, 2);
    expect(after.reason).toContain(`quality table v${table.version}, 30 outcomes, prior strength 30; the winner has 0 scores on choice prompts`);
    // Open chat is another cell: nothing was learned there.
    const chatAfter = await ask(engine, chat);
    expect(chatAfter.winner).toBe(chatBefore.winner);
    expect(predicted(chatAfter, loser)).toBe(predicted(chatBefore, loser));
  });

  it('keeps the prior where evidence is little, and goes back to it when turned off', async () => {
    const outcomes = new MemoryOutcomeStore();
    const quality = new ActiveQualityTable();
    const engine = learningEngine(quality, outcomes);
    const before = await ask(engine, question);
    await scoreAnswers(engine, question, 2, 0, before.winner!);
    await quality.refresh(outcomes);
    const after = await ask(engine, question);
    expect(after.winner).toBe(before.winner);
    expect(predicted(after, before.winner!)).toBeCloseTo(predicted(before, before.winner!) * (30 / 32), 2);

    await scoreAnswers(engine, question, 40, 0, before.winner!);
    await quality.refresh(outcomes);
    expect((await ask(engine, question)).winner).not.toBe(before.winner);
    quality.enabled = false;
    const off = await ask(engine, question);
    expect(off.winner).toBe(before.winner);
    expect(off.reason).not.toContain('quality table');
  });

  it('refreshes in the background after feedback, and not at all with learning.quality false', async () => {
    const quality = new ActiveQualityTable({ refreshIntervalMs: 0 });
    const engine = learningEngine(quality);
    const loser = (await ask(engine, question)).winner!;
    await scoreAnswers(engine, question, 30, 0, loser);
    await new Promise((resolve) => setImmediate(resolve));
    expect(quality.table?.outcomes).toBe(30);
    expect((await ask(engine, question)).winner).not.toBe(loser);

    const unlearned = learningEngine(false);
    const first = await ask(unlearned, question);
    await scoreAnswers(unlearned, question, 30, 0, first.winner!);
    const later = await ask(unlearned, question);
    expect(later.winner).toBe(first.winner);
    expect(later.reason).not.toContain('quality table');
  });

  it('learns from one tenant only when told to, as the outcome store scopes them', async () => {
    const outcomes = new MemoryOutcomeStore();
    const acmeOnly = new ActiveQualityTable({ tenant: 'acme' });
    const engine = learningEngine(acmeOnly, outcomes);
    const loser = (await ask(engine, question, 'globex')).winner!;
    await scoreAnswers(engine, question, 30, 0, loser, 'globex');
    await acmeOnly.refresh(outcomes);
    expect(acmeOnly.table!.outcomes).toBe(0);
    expect((await ask(engine, question, 'acme')).winner).toBe(loser);
    // Another tenant's request id cannot be scored (the store's tenant scoping).
    const acme = await ask(engine, question, 'acme');
    await expect(engine.feedback({ request_id: acme.request_id, score: 0 }, 'globex')).rejects.toMatchObject({ status: 404 });
  });
});

describe('learnModelQuality', () => {
  const featurizer = createOutcomeFeaturizer();
  const outcome = (text: string, scores: Record<string, number>, changes: Partial<StoredOutcome> = {}): StoredOutcome => ({
    request_id: `r${Math.random()}`, tenant: 'acme', time: '', router_version: 'shipped', routed_score: 0.58, featurizer: outcomeFeaturizerKey,
    features: encodeSparseFeatures(featurizer.extract(text)), models: Object.keys(scores), costs: {}, winner: Object.keys(scores)[0]!, scores, scored_at: '', ...changes,
  });
  const model = (id: string) => ({ id, quality: 0.8 }) as ModelInfo;

  it('blends each model by n / (n + k), toward its category, then toward its band', () => {
    const outcomes = Array.from({ length: 10 }, (_, index) => outcome(question, { 'a/x': index < 5 ? 1 : 0, 'a/y': 1 }));
    const table = learnModelQuality(outcomes, { version: 3, priorStrength: 10 });
    const cell = table.cellOf(question, 0.58);
    expect(cell).toBe('choice/1');
    expect(table.evidence(cell, 'a/x')).toEqual({ count: 10, mean: 0.5 });
    const blended = table.blend(() => 0.8, cell);
    // Halfway from the prior to the category's mean; the band's mean is the category's, so nothing more.
    expect(blended(model('a/x'))).toBeCloseTo(0.65, 10);
    expect(blended(model('a/y'))).toBeCloseTo(0.9, 10);
    expect(blended(model('a/z'))).toBe(0.8);
    // A band where a model did better than over its category adds half that difference (10 more ones, k 10).
    const better = learnModelQuality([...outcomes, ...Array.from({ length: 10 }, () => outcome(question, { 'a/x': 1 }, { routed_score: 0.7 }))], { version: 4, priorStrength: 10 });
    const overall = better.evidence('choice', 'a/x')!;
    expect(overall).toEqual({ count: 20, mean: 0.75 });
    expect(better.blend(() => 0.8, 'choice/3')(model('a/x'))).toBeCloseTo(0.8 + (20 / 30) * (0.75 - 0.8) + 0.5 * (1 - 0.75), 10);
    // Another band of the same category follows the category; another category keeps the prior.
    expect(table.blend(() => 0.8, table.cellOf(question, 0.7))(model('a/x'))).toBeCloseTo(0.65, 10);
    expect(table.blend(() => 0.8, table.cellOf(chat, 0.58))(model('a/x'))).toBe(0.8);
    expect(table.cellOf(chat, 0.58)).toBe('other/1');
    expect(table.cellOf('def add(a, b):\n    return a + b', 0.5)).toBe('code/0');
  });

  it('skips what it cannot key or trust: no features, damaged or foreign features, scores outside 0..1, no routed score', () => {
    const good = outcome(question, { 'a/x': 1 });
    const table = learnModelQuality([
      good,
      outcome(question, { 'a/x': 0 }, { features: null, featurizer: null }),
      outcome(question, { 'a/x': 0 }, { features: good.features!.slice(0, 40) }),
      outcome(question, { 'a/x': 0 }, { features: 'not base64 at all' }),
      outcome(question, { 'a/x': 0 }, { featurizer: 'some-other-featurizer' }),
      outcome(question, { 'a/x': 0 }, { routed_score: null }),
      outcome(question, { 'a/x': 0 }, { routed_score: Number.NaN }),
      outcome(question, { 'a/x': 1.5, 'a/y': Number.NaN }),
    ], { version: 1 });
    expect(table.outcomes).toBe(1);
    expect(table.evidence(table.cellOf(question, 0.58), 'a/x')).toEqual({ count: 1, mean: 1 });
  });

  it('refuses a bad prior strength, band edges or limit, and a misspelled learning option', () => {
    expect(() => learnModelQuality([], { version: 1, priorStrength: 0 })).toThrow(/priorStrength/);
    expect(() => learnModelQuality([], { version: 1, priorStrength: Number.NaN })).toThrow(/priorStrength/);
    expect(() => new ActiveQualityTable({ bandEdges: [0.6, 0.55] })).toThrow(/bandEdges/);
    expect(() => new ActiveQualityTable({ bandEdges: [1.2] })).toThrow(/bandEdges/);
    expect(() => new ActiveQualityTable({ limit: 0 })).toThrow(/limit/);
    expect(() => parseRouterConfig({ learning: { quality: true } })).toThrow(/quality/);
    expect(() => parseRouterConfig({ learning: { qualty: false } })).toThrow(/qualty/);
    expect(() => parseRouterConfig({ learning: { quality: false } })).not.toThrow();
  });
});
