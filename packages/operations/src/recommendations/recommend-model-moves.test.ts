import { describe, expect, it } from 'vitest';
import { MemoryReceiptStore, type ModelInfo, type Receipt, type ReceiptCandidate } from '@routekit/core';
import { recommendationsReport } from './recommendations-report.js';
import { recommendModelMoves } from './recommend-model-moves.js';

const model = (id: string, quality: number, input: number, output: number, tools = true): ModelInfo => ({
  id, provider: id.split('/')[0]!, upstreamModel: id.split('/')[1]!, inputPricePerMillion: input, outputPricePerMillion: output, contextWindow: 128_000, maxOutputTokens: 16_384,
  capabilities: { tools, vision: false, jsonMode: true }, quality, typicalTimeToFirstTokenMs: 300, typicalTokensPerSecond: 100,
} as ModelInfo);
const models = [model('big/strong', 0.9, 10, 30), model('small/cheap', 0.8, 1, 3), model('small/notools', 0.95, 0.5, 1, false)];
const start = Date.parse('2026-11-01T00:00:00.000Z');

/** A receipt answered by `winner` with 1,000 prompt and 200 completion tokens at its own prices. */
function receipt(index: number, fields: { winner: string; key: string | null; candidates?: ReceiptCandidate[]; tenant?: string }): Receipt {
  const winner = models.find((entry) => entry.id === fields.winner)!;
  return {
    request_id: `r-${index}`, timestamp: new Date(start + index * 3_600_000).toISOString(), tenant: fields.tenant ?? 'acme', api_key_id: fields.key, model_requested: 'auto', strategy: 'auto',
    candidates: fields.candidates ?? [], winner: winner.id, reason: 'r', stream: false, routing_overhead_ms: 0.1, duration_ms: 100, upstream_latency_ms: 90, time_to_first_token_ms: null,
    tokens: { prompt: 1000, completion: 200, total: 1200, estimated: false }, cost_usd: (1000 * winner.inputPricePerMillion + 200 * winner.outputPricePerMillion) / 1e6,
    default_model: 'big/strong', default_cost_usd: null, savings_usd: 0, attempts: [], fallback_attempts: 0, status: 'ok',
  } as Receipt;
}
const candidate = (id: string, predicted: number, eligible = true): ReceiptCandidate => ({ model: id, score: 0, predicted_quality: predicted, estimated_cost_usd: 0, eligible } as ReceiptCandidate);

describe('recommendModelMoves', () => {
  it('recommends the cheaper model the router predicted at the same quality, with the saving scaled to a month', () => {
    // 30 requests over 30 hours (a window of 30 days is given): the cheap model matches on 28 of them.
    const receipts = Array.from({ length: 30 }, (_, index) => receipt(index, {
      winner: 'big/strong', key: 'key_k',
      candidates: [candidate('big/strong', 0.85), candidate('small/cheap', index < 28 ? 0.85 : 0.7), candidate('small/notools', 0.99, false)],
    }));
    const [recommendation, ...rest] = recommendModelMoves({ receipts, models, window: { from: start, to: start + 30 * 86_400_000 }, minMonthlySavingsUsd: 0 });
    expect(rest).toEqual([]);
    // Per covered request: $0.016 paid, $0.0016 at the cheap model's prices: 28 × $0.0144 = $0.4032 in 30 days.
    expect(recommendation).toMatchObject({
      scope: 'key', subject: 'key_k', from_model: 'big/strong', to_model: 'small/cheap', requests: 30, covered_requests: 28, basis: 'router_predictions',
      predicted_quality: { from: 0.85, to: 0.85 }, cost_usd: { current: 0.448, projected: 0.0448 }, savings_percent: 90,
    });
    expect(recommendation!.monthly_savings_usd).toBeCloseTo(0.4, 2);
    expect(recommendModelMoves({ receipts, models, window: { from: start, to: start + 30 * 86_400_000 }, minMonthlySavingsUsd: 1 })).toEqual([]);
    expect(recommendModelMoves({ receipts, models, window: { from: start, to: start + 86_400_000 }, minMonthlySavingsUsd: 1 })[0]!.monthly_savings_usd).toBeCloseTo(12.1, 1);
  });

  it('recommends nothing when the cheaper model is predicted lower too often, or is ineligible', () => {
    const receipts = Array.from({ length: 30 }, (_, index) => receipt(index, {
      winner: 'big/strong', key: 'key_k',
      candidates: [candidate('big/strong', 0.85), candidate('small/cheap', index < 20 ? 0.85 : 0.7), candidate('small/notools', 0.99, false)],
    }));
    expect(recommendModelMoves({ receipts, models, minMonthlySavingsUsd: 0 })).toEqual([]);
    // A model the router did not consider for predicted requests is not recommended from its catalog tier.
    const withTools = models.map((entry) => ({ ...entry, capabilities: { tools: true, vision: false, jsonMode: true } }));
    const predictedAlone = Array.from({ length: 30 }, (_, index) => receipt(index, { winner: 'big/strong', key: 'key_k', candidates: [candidate('big/strong', 0.85)] }));
    expect(recommendModelMoves({ receipts: predictedAlone, models: withTools, minMonthlySavingsUsd: 0 })).toEqual([]);
  });

  it('falls back to catalog tiers for explicitly requested models, keeping capabilities', () => {
    // No candidates: small/cheap is a lower tier (0.8 < 0.9), small/notools a higher one but without tools.
    const receipts = Array.from({ length: 25 }, (_, index) => receipt(index, { winner: 'big/strong', key: null, tenant: 'globex' }));
    expect(recommendModelMoves({ receipts, models, minMonthlySavingsUsd: 0 })).toEqual([]);
    const withoutTools = models.map((entry) => (entry.id === 'big/strong' ? { ...entry, capabilities: { tools: false, vision: false, jsonMode: true } } : entry));
    const [recommendation] = recommendModelMoves({ receipts, models: withoutTools, minMonthlySavingsUsd: 0 });
    expect(recommendation).toMatchObject({ scope: 'tenant', subject: 'globex', to_model: 'small/notools', basis: 'catalog_tiers', covered_requests: 25 });
  });

  it('reads the window from a receipt store, scoped to a tenant', async () => {
    const store = new MemoryReceiptStore();
    for (let index = 0; index < 30; index++) {
      await store.put(receipt(index, { winner: 'big/strong', key: 'key_a', tenant: 'acme', candidates: [candidate('big/strong', 0.8), candidate('small/cheap', 0.8)] }));
      await store.put({ ...receipt(index, { winner: 'big/strong', key: 'key_b', tenant: 'globex', candidates: [candidate('big/strong', 0.8), candidate('small/cheap', 0.8)] }), request_id: `g-${index}` });
    }
    // The last day of 30 hours of traffic: 24 requests, $0.35 saved a day, over $10 a month.
    const now = start + 30 * 3_600_000;
    const report = await recommendationsReport({ receipts: store, models, tenant: 'acme', days: '1', now });
    expect(report.receipts_analysed).toBe(24);
    expect(report.data[0]!.monthly_savings_usd).toBeCloseTo(24 * 0.0144 * 30, 1);
    expect(report.data.map((entry) => entry.subject)).toEqual(['key_a']);
    expect((await recommendationsReport({ receipts: store, models, days: '1', now })).data.map((entry) => entry.subject).sort()).toEqual(['key_a', 'key_b']);
    await expect(recommendationsReport({ receipts: store, models, days: '0', now })).rejects.toThrow('days must be a whole number from 1 to 90.');
  });
});
