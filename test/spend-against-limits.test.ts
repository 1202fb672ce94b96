import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { hashApiKey } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';

// Issue 20, item 20: spend per key and per tenant against their limits, for the dashboard.
describe('GET /v1/usage/limits', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway('koa', {
      providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }],
      apiKeys: [{ id: 'search', hash: hashApiKey('key-search'), tenant: 'acme' }, { id: 'chat', hash: hashApiKey('key-chat'), tenant: 'globex' }, { id: 'ops', hash: hashApiKey('key-ops'), tenant: 'ops', admin: true }],
      spendLimits: { perTenant: { limits: { daily_usd: 5 } }, tenants: { acme: { limits: { daily_usd: 2, monthly_usd: 40 } } }, keys: { search: { limits: { weekly_usd: 1 } } } },
      logger: false,
    });
    for (const [key, count] of [['key-search', 3], ['key-chat', 1]] as const) {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
      for (let index = 0; index < count; index += 1) await client.chat.completions.create({ model: 'openai/gpt-4.1', max_tokens: 50, messages: [{ role: 'user', content: `Question ${index}` }] });
    }
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  type Standing = { scope: string; id: string; tenant: string | null; month_spent_usd: number; month_requests: number; limits: Array<{ limit: string; limit_usd: number; spent_usd: number; used_share: number }> };
  const standings = async (key: string) => {
    const response = await fetch(`${gateway.url}/v1/usage/limits`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { data: Standing[] }).data;
  };

  it('shows each key and tenant with its spend against each of its limits, to an admin', async () => {
    const all = await standings('key-ops');
    const byId = new Map(all.map((standing) => [`${standing.scope}:${standing.id}`, standing]));
    const acme = byId.get('tenant:acme')!;
    expect(acme.month_requests).toBe(3);
    expect(acme.month_spent_usd).toBeGreaterThan(0);
    expect(acme.limits.map((limit) => [limit.limit, limit.limit_usd])).toEqual([['daily_usd', 2], ['monthly_usd', 40]]);
    expect(acme.limits[0]!.spent_usd).toBe(acme.month_spent_usd);
    expect(acme.limits[0]!.used_share).toBeCloseTo(acme.month_spent_usd / 2, 4);
    // globex has no override: the per-tenant default applies.
    expect(byId.get('tenant:globex')!.limits.map((limit) => [limit.limit, limit.limit_usd])).toEqual([['daily_usd', 5]]);
    const search = byId.get('key:search')!;
    expect(search.limits.map((limit) => [limit.limit, limit.limit_usd])).toEqual([['weekly_usd', 1]]);
    expect(search.month_spent_usd).toBe(acme.month_spent_usd);
    expect(byId.get('key:chat')!.limits).toEqual([]);
  });

  it('shows anyone else only their own tenant and keys', async () => {
    const own = await standings('key-chat');
    expect(new Set(own.map((standing) => standing.tenant))).toEqual(new Set(['globex']));
  });
});
