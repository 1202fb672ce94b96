import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryReceiptStore, ModelCatalog, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { hashApiKey } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';

// GET /v1/recommendations over real HTTP: a tenant's key sees its own tenant's recommendations
// only, an admin key sees every tenant's, and a bad `days` is an OpenAI-style 400.
const catalog = new ModelCatalog();
const strong = catalog.get('openai/gpt-4.1')!;
const cheap = catalog.get('openai/gpt-4.1-mini')!;

function receipt(index: number, tenant: string, key: string): Receipt {
  return {
    request_id: `${tenant}-${index}`, timestamp: new Date(Date.now() - index * 60_000).toISOString(), tenant, api_key_id: key, model_requested: 'auto', strategy: 'auto',
    candidates: [{ model: strong.id, score: 1, predicted_quality: 0.8, estimated_cost_usd: 0, eligible: true }, { model: cheap.id, score: 1, predicted_quality: 0.8, estimated_cost_usd: 0, eligible: true }],
    winner: strong.id, reason: 'r', stream: false, routing_overhead_ms: 0, duration_ms: 10, upstream_latency_ms: 1, time_to_first_token_ms: null,
    tokens: { prompt: 100_000, completion: 20_000, total: 120_000, estimated: false }, cost_usd: (100_000 * strong.inputPricePerMillion + 20_000 * strong.outputPricePerMillion) / 1e6,
    default_model: strong.id, default_cost_usd: null, savings_usd: 0, attempts: [], fallback_attempts: 0, status: 'ok',
  } as unknown as Receipt;
}

describe('GET /v1/recommendations', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  beforeAll(async () => {
    mock = await startMockUpstream();
    const receipts = new MemoryReceiptStore();
    for (let index = 0; index < 30; index++) {
      await receipts.put(receipt(index, 'acme', 'acme-key'));
      await receipts.put(receipt(index, 'globex', 'globex-key'));
    }
    const apiKeys = [
      { id: 'acme-key', hash: hashApiKey('sk-acme'), tenant: 'acme' },
      { id: 'globex-key', hash: hashApiKey('sk-globex'), tenant: 'globex' },
      { id: 'admin-key', hash: hashApiKey('sk-admin'), tenant: 'ops', admin: true },
    ];
    gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], apiKeys, receipts });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });
  const get = (key: string, query = '') => fetch(`${gateway.url}/v1/recommendations${query}`, { headers: { authorization: `Bearer ${key}` } });

  it('scopes a tenant key to its tenant and lets an admin key see all', async () => {
    const own = await get('sk-acme', '?days=1');
    expect(own.status).toBe(200);
    const body = (await own.json()) as { object: string; receipts_analysed: number; data: Array<{ subject: string; from_model: string; to_model: string; monthly_savings_usd: number }> };
    expect(body).toMatchObject({ object: 'list', receipts_analysed: 30 });
    expect(body.data.map((entry) => [entry.subject, entry.from_model, entry.to_model])).toEqual([['acme-key', strong.id, cheap.id]]);
    expect(body.data[0]!.monthly_savings_usd).toBeGreaterThan(0);
    const all = (await (await get('sk-admin', '?days=1')).json()) as { data: Array<{ subject: string }> };
    expect(all.data.map((entry) => entry.subject).sort()).toEqual(['acme-key', 'globex-key']);
  });

  it('refuses a bad days value and a missing key', async () => {
    const bad = await get('sk-acme', '?days=365');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'days' } });
    expect((await fetch(`${gateway.url}/v1/recommendations`)).status).toBe(401);
  });
});
