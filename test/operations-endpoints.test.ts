import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { hashApiKey } from '@routekit/http';
import type { Logger } from '@routekit/core';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

function capturingLogger(): Logger & { lines: Array<{ level: string; fields: Record<string, unknown>; message?: string }> } {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message?: string }> = [];
  const at = (level: string) => (fields: Record<string, unknown>, message?: string) => void lines.push({ level, fields, ...(message !== undefined && { message }) });
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** A JSON answer, read loosely: the assertions check its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (response: Response | Promise<Response>): Promise<any> => (await response).json();

const chat = (url: string, key: string, content: string, model = 'auto') =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ model, messages: [{ role: 'user', content }] }) });

describe.each<Framework>(['express', 'koa'])('operations endpoints on the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  const logger = capturingLogger();
  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, {
      providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }],
      apiKeys: [{ id: 'team-a', hash: hashApiKey('key-a'), tenant: 'acme' }, { id: 'team-b', hash: hashApiKey('key-b'), tenant: 'globex' }, { id: 'ops', hash: hashApiKey('key-admin'), tenant: 'acme', admin: true }],
      defaultModel: 'openai/gpt-4.1',
      logger,
      health: true,
      metrics: true,
      dashboard: true,
    });
    // Known traffic: acme sends two requests, globex one, and one fails upstream.
    await chat(gateway.url, 'key-a', 'Hello! My email is jane@example.com');
    await chat(gateway.url, 'key-a', 'What is the capital of France?');
    await chat(gateway.url, 'key-b', 'Hi');
    mock.failNext({ type: 'status', status: 500 }, 10);
    await chat(gateway.url, 'key-b', 'Fail please', 'openai/gpt-4.1-mini');
    mock.reset();
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('answers /health and /ready without a key', async () => {
    expect(await json(fetch(`${gateway.url}/health`))).toEqual({ status: 'ok' });
    expect(await json(fetch(`${gateway.url}/ready`))).toEqual({ status: 'ready' });
  });

  it('reports usage scoped to the caller\'s tenant, and every tenant to an admin', async () => {
    const own = await json(fetch(`${gateway.url}/v1/usage?group_by=tenant`, { headers: { authorization: 'Bearer key-a' } }));
    expect(own.groups.map((group: { group: string }) => group.group)).toEqual(['acme']);
    expect(own.totals.requests).toBe(2);
    expect(own.totals.success_rate).toBe(1);
    // A tenant cannot widen its own scope.
    const widened = await json(fetch(`${gateway.url}/v1/usage?tenant=globex`, { headers: { authorization: 'Bearer key-a' } }));
    expect(widened.totals.requests).toBe(2);
    const all = await json(fetch(`${gateway.url}/v1/usage?group_by=tenant`, { headers: { authorization: 'Bearer key-admin' } }));
    expect(all.groups.map((group: { group: string; requests: number }) => [group.group, group.requests])).toEqual([['acme', 2], ['globex', 2]]);
    expect(all.totals.success_rate).toBe(0.75);
    const bad = await fetch(`${gateway.url}/v1/usage?group_by=week`, { headers: { authorization: 'Bearer key-admin' } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.param).toBe('group_by');
  });

  it('buckets usage over time by the bucket asked for, or by the range, and refuses buckets it cannot draw', async () => {
    const admin = { headers: { authorization: 'Bearer key-admin' } };
    const to = Date.now() + 60_000;
    const from = to - 3_600_000;
    const minutes = await json(fetch(`${gateway.url}/v1/usage?bucket=1m&from=${from}&to=${to}`, admin));
    expect(minutes.group_by).toBe('time');
    expect(minutes.groups.reduce((total: number, group: { requests: number }) => total + group.requests, 0)).toBe(4);
    for (const group of minutes.groups) expect(Date.parse(group.group) % 60_000).toBe(0);
    // group_by=time alone: the last hour is drawn in minutes too.
    const auto = await json(fetch(`${gateway.url}/v1/usage?group_by=time&from=${from}&to=${to}`, admin));
    expect(auto.groups.map((group: { group: string }) => group.group)).toEqual(minutes.groups.map((group: { group: string }) => group.group));
    const quarter = await json(fetch(`${gateway.url}/v1/usage?bucket=15m&from=${from}&to=${to}`, admin));
    for (const group of quarter.groups) expect(Date.parse(group.group) % 900_000).toBe(0);
    for (const [query, param] of [['bucket=7s', 'bucket'], ['bucket=1m&group_by=model', 'bucket'], [`bucket=1m&from=${to - 7 * 86_400_000}&to=${to}`, 'bucket']]) {
      const refused = await fetch(`${gateway.url}/v1/usage?${query}`, admin);
      expect(refused.status, query).toBe(400);
      expect((await json(refused)).error.param).toBe(param);
    }
  });

  it('lists recent receipts, newest first, for the caller\'s tenant', async () => {
    const listed = await json(fetch(`${gateway.url}/v1/receipts?limit=10`, { headers: { authorization: 'Bearer key-b' } }));
    expect(listed.object).toBe('list');
    expect(listed.data).toHaveLength(2);
    expect(listed.data.every((receipt: { tenant: string }) => receipt.tenant === 'globex')).toBe(true);
    expect(listed.data[0].status).toBe('error');
  });

  it('filters receipts by status, model, key, tenant and time, pages them with a cursor, and refuses unknown parameters', async () => {
    const admin = { headers: { authorization: 'Bearer key-admin' } };
    const list = (query: string, init = admin) => json(fetch(`${gateway.url}/v1/receipts?${query}`, init));
    const errors = await list('status=error');
    expect(errors.data.map((receipt: { status: string; tenant: string }) => [receipt.status, receipt.tenant])).toEqual([['error', 'globex']]);
    const byModel = await list('model=openai/gpt-4.1-mini');
    expect(byModel.data.length).toBeGreaterThan(0);
    expect(byModel.data.every((receipt: { winner: string | null; model_requested: string }) => receipt.winner === 'openai/gpt-4.1-mini' || receipt.model_requested === 'openai/gpt-4.1-mini')).toBe(true);
    expect((await list('key=team-a')).data.map((receipt: { api_key_id: string }) => receipt.api_key_id)).toEqual(['team-a', 'team-a']);
    expect((await list('tenant=globex')).data).toHaveLength(2);
    expect((await list(`from=${Date.now() + 60_000}`)).data).toHaveLength(0);
    // Paging one at a time walks all four, newest first, and says when it is done.
    const seen: string[] = [];
    let page = await list('limit=1');
    for (let step = 0; step < 10; step += 1) {
      seen.push(...page.data.map((receipt: { request_id: string }) => receipt.request_id));
      expect(page.first_id).toBe(page.data[0].request_id);
      if (!page.has_more) break;
      page = await list(`limit=1&after=${page.next_cursor}`);
    }
    expect(seen).toEqual((await list('limit=10')).data.map((receipt: { request_id: string }) => receipt.request_id));
    expect(seen).toHaveLength(4);
    expect(page.next_cursor).toBeNull();
    const unknown = await fetch(`${gateway.url}/v1/receipts?stauts=error`, admin);
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.param).toBe('stauts');
    expect((await fetch(`${gateway.url}/v1/receipts?status=failed`, admin)).status).toBe(400);
    expect((await fetch(`${gateway.url}/v1/receipts?after=nonsense`, admin)).status).toBe(400);
    expect((await fetch(`${gateway.url}/v1/receipts?tenant=acme`, { headers: { authorization: 'Bearer key-b' } })).status).toBe(403);
  });

  it('decides without calling a model at POST /v1/route', async () => {
    const before = mock.requests.length;
    const response = await fetch(`${gateway.url}/v1/route`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer key-a' }, body: JSON.stringify({ prompt: 'Prove that the square root of 2 is irrational, rigorously and step by step.', user_preferences: { priority: 'quality' } }) });
    expect(response.status).toBe(200);
    const decision = await json(response);
    expect(decision.object).toBe('route.decision');
    expect(decision.candidates[0].model).toBe(decision.model);
    expect(typeof decision.candidates[0].predicted_quality).toBe('number');
    expect(mock.requests.length).toBe(before);
  });

  it('serves Prometheus metrics to an admin only, with the requests counted by model and status', async () => {
    expect((await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer key-a' } })).status).toBe(403);
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
    const text = await (await fetch(`${gateway.url}/metrics`, { headers: { authorization: 'Bearer key-admin' } })).text();
    expect(text).toMatch(/routekit_requests_total\{model="openai\/[^"]+",status="200",strategy="auto"\} 3/);
    // The provider's 500, after the retries, reaches the client as the gateway's 502.
    expect(text).toMatch(/routekit_requests_total\{model="none",status="502",strategy="explicit"\} 1/);
    expect(text).toMatch(/routekit_request_duration_seconds_bucket/);
    expect(text).not.toMatch(/jane@example\.com|acme|globex/);
  });

  it('logs one line per request without prompt text or keys', () => {
    const requests = logger.lines.filter((line) => line.message === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(4);
    expect(requests.map((line) => line.fields.key_id)).toEqual(expect.arrayContaining(['team-a', 'team-b']));
    const failed = requests.find((line) => line.fields.status === 'error' && line.fields.error_status === 502)!;
    expect(failed).toBeDefined();
    // The 5xx is logged again as an error, with its request id and cause.
    const error = logger.lines.find((line) => line.level === 'error' && line.fields.request_id === failed.fields.request_id)!;
    expect(error.fields.status).toBe(502);
    expect(error.fields.error).toMatchObject({ name: 'ProviderFailedError', code: 'provider_server_error' });
    expect(JSON.stringify(logger.lines)).not.toMatch(/jane@example|capital of France|key-a|key-admin/);
  });

  it('serves the dashboard page same-origin only, and its files from the package', async () => {
    const page = await fetch(`${gateway.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('dashboard/uPlot.iife.min.js');
    const library = await fetch(`${gateway.url}/dashboard/uPlot.iife.min.js`);
    expect(library.status).toBe(200);
    expect((await library.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(`${gateway.url}/dashboard/../package.json`)).status).toBe(404);
  });
});

describe('a routed request with its fallback, as a scraper sees it', () => {
  it('counts the fallback in /metrics and the request under the model that answered', async () => {
    const mock = await startMockUpstream({ failures: { 'gpt-5-nano': { type: 'status', status: 503 } } });
    const gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], metrics: true, logger: false, resilience: { attempts: { retries: 0 } } });
    try {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hello!' }] }) });
      const body = await json(response);
      expect(response.status).toBe(200);
      expect(body['x-routekit'].fallback_attempts).toBe(1);
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(text).toMatch(/^routekit_fallbacks_total 1$/m);
      expect(text).toContain(`routekit_requests_total{model="${body['x-routekit'].winner}",status="200",strategy="auto"} 1`);
      expect(body['x-routekit'].winner).not.toBe('openai/gpt-5-nano');
    } finally {
      await gateway.close();
      await mock.close();
    }
  });
});
