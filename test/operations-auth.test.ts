import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqlDatabase } from '@routekit/operations';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { routerMiddleware } from '@routekit/express';
import { createKeyManagement, validateRouterConfig } from '@routekit/http';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

// Issue 13's auth matrix, over real HTTP on 127.0.0.1 against the mock upstream, on Express and
// on Koa: durable keys created through the admin API, and every way a key can be refused. The
// gateway trusts 127.0.0.1 as a proxy, so each test speaks from an X-Forwarded-For address of its
// own and one test's failed attempts cannot lock another out; a second gateway on the same
// database trusts no proxy.
const adminKey = 'admin-operations-test-key-0123456789';
type ErrorBody = { error: { message: string; type: string; code: string; param: string | null } };

describe.each<Framework>(['express', 'koa'])('durable API keys on the %s gateway', (framework) => {
  let mock: MockUpstream;
  let database: SqlDatabase;
  let gateway: RunningGateway;
  let untrusting: RunningGateway;
  let now = Date.parse('2026-03-01T12:00:00Z');
  let nextAddress = 1;
  const address = () => `203.0.113.${nextAddress++}`;

  beforeAll(async () => {
    mock = await startMockUpstream();
    database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-auth-')), 'routekit.db') });
    const providers = [{ id: 'openai', kind: 'openai' as const, baseUrl: mock.url }];
    const keyManagement = await createKeyManagement({ database, adminKey, trustedProxies: ['127.0.0.1'], lockout: { maxFailures: 5, windowSeconds: 60, lockSeconds: 120 }, now: () => now });
    gateway = await startGateway(framework, { providers, keyManagement, logger: false });
    const withoutProxy = await createKeyManagement({ database, adminKey, lockout: false, now: () => now });
    untrusting = await startGateway(framework, { providers, keyManagement: withoutProxy, logger: false });
  });
  afterAll(async () => {
    await gateway.close();
    await untrusting.close();
    await mock.close();
    await database.close();
  });

  async function call(url: string, path: string, init: { method?: string; key?: string; from?: string; body?: unknown } = {}) {
    const headers: Record<string, string> = {};
    if (init.key !== undefined) headers.authorization = `Bearer ${init.key}`;
    if (init.from !== undefined) headers['x-forwarded-for'] = init.from;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined && { body: JSON.stringify(init.body) }) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: (/^application\/json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined) as Record<string, unknown> & ErrorBody };
  }
  const chat = (key: string | undefined, from: string, model = 'openai/gpt-4.1-mini', url = gateway.url) =>
    call(url, '/v1/chat/completions', { method: 'POST', key, from, body: { model, messages: [{ role: 'user', content: 'Name a prime number.' }] } });
  async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
    const created = await call(gateway.url, '/v1/admin/keys', { method: 'POST', key: adminKey, from: address(), body });
    expect(created.status).toBe(201);
    return { id: created.json.id as unknown as string, key: created.json.key as unknown as string };
  }

  it('accepts a key created through the admin API, shown once and never again', async () => {
    const { id, key } = await createKey({ tenant: 'acme', name: 'search' });
    expect(key).toMatch(new RegExp(`^rk_live_${id}_`));
    const answer = await chat(key, address());
    expect(answer.status).toBe(200);
    expect((answer.json['x-routekit'] as unknown as { tenant: string; api_key_id: string })).toMatchObject({ tenant: 'acme', api_key_id: id });
    const shown = await call(gateway.url, `/v1/admin/keys/${id}`, { key: adminKey, from: address() });
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ id, prefix: `rk_live_${id}`, tenant: 'acme', status: 'active' });
    expect(shown.text).not.toContain(key.slice(`rk_live_${id}_`.length));
  });

  it('refuses a missing key with its own code, and every other bad key with one identical 401', async () => {
    const from = address();
    const missing = await chat(undefined, from);
    expect(missing.status).toBe(401);
    expect(missing.json.error.code).toBe('missing_api_key');

    const good = await createKey({ tenant: 'acme' });
    const expiring = await createKey({ tenant: 'acme', expires_in_seconds: 60 });
    const revoked = await createKey({ tenant: 'acme' });
    const rotated = await createKey({ tenant: 'acme' });
    const fenced = await createKey({ tenant: 'acme', ip_allowlist: ['198.51.100.0/24', '2001:db8::/32'] });
    expect((await call(gateway.url, `/v1/admin/keys/${revoked.id}/revoke`, { method: 'POST', key: adminKey, from: address() })).status).toBe(200);
    const rotation = await call(gateway.url, `/v1/admin/keys/${rotated.id}/rotate`, { method: 'POST', key: adminKey, from: address(), body: { overlap_seconds: 30 } });
    expect(rotation.status).toBe(201);
    const replacement = rotation.json.key as unknown as string;

    // Within the rotation's overlap both keys work; the expiring key has not expired yet.
    expect((await chat(rotated.key, address())).status).toBe(200);
    expect((await chat(replacement, address())).status).toBe(200);
    expect((await chat(expiring.key, address())).status).toBe(200);
    expect((await chat(fenced.key, '198.51.100.7')).status).toBe(200);
    now += 61_000;

    const refusals = {
      unknown: await chat(`rk_live_0123456789abcdef_${'A'.repeat(43)}`, address()),
      wrongSecret: await chat(`${good.key.slice(0, -2)}${good.key.endsWith('xx') ? 'yy' : 'xx'}`, address()),
      notOurs: await chat('sk-something-else', address()),
      expired: await chat(expiring.key, address()),
      revoked: await chat(revoked.key, address()),
      rotatedAfterOverlap: await chat(rotated.key, address()),
      wrongAddress: await chat(fenced.key, '192.0.2.1'),
    };
    for (const [name, refusal] of Object.entries(refusals)) {
      expect({ name, status: refusal.status }).toEqual({ name, status: 401 });
      expect(refusal.json.error).toEqual({ ...refusals.unknown.json.error, request_id: expect.any(String) });
      expect(refusal.headers.get('www-authenticate')).toBe('Bearer realm="routekit", error="invalid_token"');
    }
    expect(refusals.unknown.json.error).toMatchObject({ message: 'The API key is not valid.', code: 'invalid_api_key', type: 'authentication_error' });
    expect((await chat(good.key, address())).status).toBe(200);
    expect((await chat(replacement, address())).status).toBe(200);
    expect((await chat(fenced.key, '2001:db8::42')).status).toBe(200);
  });

  it('believes X-Forwarded-For only from a configured trusted proxy', async () => {
    const fenced = await createKey({ tenant: 'acme', ip_allowlist: ['198.51.100.0/24'] });
    const local = await createKey({ tenant: 'acme', ip_allowlist: ['127.0.0.0/8', '::1'] });
    expect((await chat(fenced.key, '198.51.100.9')).status).toBe(200);
    // The second gateway trusts no proxy: the header is ignored and the peer (127.0.0.1) is checked.
    expect((await chat(fenced.key, '198.51.100.9', undefined, untrusting.url)).status).toBe(401);
    expect((await chat(local.key, '198.51.100.9', undefined, untrusting.url)).status).toBe(200);
    expect((await chat(local.key, '198.51.100.9')).status).toBe(401);
  });

  it('answers 403 for a model the key may not use, and routes auto only among the allowed ones', async () => {
    const { key } = await createKey({ tenant: 'acme', allowed_models: ['openai/gpt-4.1-nano', 'openai/gpt-4.1'] });
    const refused = await chat(key, address(), 'openai/gpt-4.1-mini');
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatchObject({ type: 'permission_error', code: 'model_not_allowed' });
    for (let index = 0; index < 3; index += 1) {
      const routed = await chat(key, address(), 'auto');
      expect(routed.status).toBe(200);
      expect(['openai/gpt-4.1-nano', 'openai/gpt-4.1']).toContain((routed.json['x-routekit'] as unknown as { winner: string }).winner);
    }
  });

  it('keeps the POST /v1/route preview to the models the key may use', async () => {
    const { key } = await createKey({ tenant: 'acme', allowed_models: ['openai/gpt-4.1-nano', 'openai/gpt-4.1'] });
    const preview = await call(gateway.url, '/v1/route', { method: 'POST', key, from: address(), body: { prompt: 'Prove that there are infinitely many primes.' } });
    expect(preview.status).toBe(200);
    const decision = preview.json as unknown as { candidates: Array<{ model: string }>; rejected: Array<{ model: string; reason: string }> };
    expect(decision.candidates.length).toBeGreaterThan(0);
    for (const candidate of decision.candidates) expect(['openai/gpt-4.1-nano', 'openai/gpt-4.1']).toContain(candidate.model);
    expect(decision.rejected).toContainEqual({ model: 'openai/gpt-4.1-mini', reason: 'model not allowed for this key or tenant' });
    const explicit = await call(gateway.url, '/v1/route', { method: 'POST', key, from: address(), body: { prompt: 'hi', model: 'openai/gpt-4.1-mini' } });
    expect(explicit.status).toBe(403);
  });

  it('throttles an address after repeated failures with Retry-After, and still admits a right key from it', async () => {
    const { key } = await createKey({ tenant: 'acme' });
    const from = address();
    const wrong = `rk_live_0000111122223333_${'B'.repeat(43)}`;
    for (let attempt = 0; attempt < 4; attempt += 1) expect((await chat(wrong, from)).status).toBe(401);
    // The fifth failure locks: it and every failing attempt after it get 429.
    expect((await chat(wrong, from)).status).toBe(429);
    const locked = await chat(wrong, from);
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe('too_many_failed_attempts');
    expect(locked.headers.get('retry-after')).toBe('120');
    expect((await chat(key, from)).status).toBe(200);
    now += 121_000;
    expect((await chat(`rk_live_fedcba9876543210_${'B'.repeat(43)}`, from)).status).toBe(401);
  });

  it('enforces a key\'s own rate limit through the limiter', async () => {
    const { key } = await createKey({ tenant: 'acme', rate_limit: { requestsPerMinute: 2 } });
    expect((await chat(key, address())).status).toBe(200);
    expect((await chat(key, address())).status).toBe(200);
    const third = await chat(key, address());
    expect(third.status).toBe(429);
    expect(third.json.error.code).toBe('rate_limit_exceeded');
  });

  it('enforces a key\'s own spend limit through the limiter', async () => {
    const { key } = await createKey({ tenant: 'acme', spend_limit: { limits: { per_request_usd: 0.000001 } } });
    const refused = await chat(key, address(), 'openai/gpt-4.1');
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe('budget_exceeded');
    const { key: unlimited } = await createKey({ tenant: 'acme' });
    expect((await chat(unlimited, address(), 'openai/gpt-4.1')).status).toBe(200);
  });

  it('applies tenant preferences before routing, and validates them naming the field', async () => {
    const tenant = `prefs-${framework}`;
    const { key } = await createKey({ tenant });
    const bad = await call(gateway.url, `/v1/admin/tenants/${tenant}/preferences`, { method: 'PUT', key: adminKey, from: address(), body: { blocked_modles: [] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ param: 'blocked_modles', message: expect.stringMatching(/did you mean blocked_models\?/) });
    const put = await call(gateway.url, `/v1/admin/tenants/${tenant}/preferences`, { method: 'PUT', key: adminKey, from: address(), body: { default_priority: 'cost', blocked_models: ['openai/gpt-4.1-nano', 'openai/gpt-4.1-mini'] } });
    expect(put.status).toBe(200);
    expect((await call(gateway.url, `/v1/admin/tenants/${tenant}/preferences`, { key: adminKey, from: address() })).json).toMatchObject({ tenant, preferences: { blocked_models: ['openai/gpt-4.1-nano', 'openai/gpt-4.1-mini'] } });
    expect((await chat(key, address(), 'openai/gpt-4.1-nano')).status).toBe(403);
    const routed = await chat(key, address(), 'auto');
    expect(routed.status).toBe(200);
    expect(['openai/gpt-4.1-nano', 'openai/gpt-4.1-mini']).not.toContain((routed.json['x-routekit'] as unknown as { winner: string }).winner);
  });

  it('keeps the admin API to admin callers, and audits refusals, changes and reads as JSONL without secrets', async () => {
    const plain = await createKey({ tenant: 'acme' });
    const refused = await call(gateway.url, '/v1/admin/keys', { key: plain.key, from: address() });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('admin_required');
    expect((await call(gateway.url, '/v1/admin/keys', { from: address() })).status).toBe(401);
    const admin = await createKey({ tenant: 'ops', admin: true });
    const listed = await call(gateway.url, '/v1/admin/keys?tenant=ops', { key: admin.key, from: address() });
    expect(listed.status).toBe(200);
    expect((listed.json as unknown as { data: Array<{ id: string }> }).data.map((entry) => entry.id)).toEqual([admin.id]);
    expect((await call(gateway.url, '/v1/admin/keys', { method: 'POST', key: adminKey, from: address(), body: { tenant: 'acme', allowed_modles: [] } })).json.error.param).toBe('allowed_modles');

    const exported = await call(gateway.url, '/v1/admin/audit?format=jsonl', { key: admin.key, from: address() });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const events = exported.text.trim().split('\n').map((line) => JSON.parse(line) as { type: string; actor: string; target: string | null; detail: { reason?: string } });
    const types = new Set(events.map((event) => event.type));
    for (const type of ['configuration.changed', 'key.created', 'key.revoked', 'key.rotated', 'preferences.updated', 'auth.failed', 'auth.locked_out', 'admin.read', 'admin.denied']) expect(types).toContain(type);
    const reasons = new Set(events.filter((event) => event.type === 'auth.failed').map((event) => event.detail.reason));
    for (const reason of ['unknown_or_wrong_key', 'malformed_key', 'expired', 'revoked', 'rotated', 'address_not_allowed']) expect(reasons).toContain(reason);
    expect(events.find((event) => event.type === 'admin.read' && event.target === '/v1/admin/audit')?.actor).toBe(admin.id);
    // The two gateways on this database started with different settings: each start is a recorded change.
    const changes = events.filter((event) => event.type === 'configuration.changed') as unknown as Array<{ detail: { previous: unknown; current: { trusted_proxies: string[]; admin_key: string } } }>;
    expect(changes.map((change) => change.detail.current.trusted_proxies)).toEqual([['127.0.0.1'], []]);
    expect(changes[0]!.detail.current.admin_key).toBe('configured');
    expect(exported.text).not.toContain(plain.key);
    expect(exported.text).not.toContain(admin.key.split('_').slice(3).join('_'));
    expect(exported.text).not.toContain(adminKey);
    const json = await call(gateway.url, '/v1/admin/audit?type=key.revoked', { key: adminKey, from: address() });
    expect((json.json as unknown as { data: Array<{ type: string }> }).data.every((event) => event.type === 'key.revoked')).toBe(true);
    expect((await call(gateway.url, '/v1/admin/audit?format=csv', { key: adminKey, from: address() })).json.error.param).toBe('format');
  });
});

describe('the admin API behind an app\'s own body parser', () => {
  it('takes the body express.json() already parsed', async () => {
    const mock = await startMockUpstream();
    const database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-auth-')), 'routekit.db') });
    const app = express();
    app.use(express.json());
    app.use(routerMiddleware({ providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], keyManagement: await createKeyManagement({ database, adminKey }), logger: false }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const created = await fetch(`${url}/v1/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'parsed', allowed_models: ['openai/gpt-4.1-mini'] }) });
      expect(created.status).toBe(201);
      const { key } = (await created.json()) as { key: string };
      const answer = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(answer.status).toBe(403);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.close();
      await database.close();
    }
  });
});

describe('key management configuration and outages', () => {
  const open = () => openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-auth-')), 'routekit.db') });

  it('refuses bad options, naming them', async () => {
    const database = open();
    await expect(createKeyManagement({ database, adminKey: 'short' })).rejects.toMatchObject({ key: 'keyManagement.adminKey' });
    await expect(createKeyManagement({ database, adminKey: `rk_live_${'a'.repeat(30)}` })).rejects.toThrow(/must not start with rk_/);
    await expect(createKeyManagement({ database, trustedProxies: ['10.0.0.0/8', '10.0.0.0/33'] })).rejects.toMatchObject({ key: 'keyManagement.trustedProxies[1]' });
    await expect(createKeyManagement({ database, trustedProxys: [] } as never)).rejects.toThrow(/keyManagement\.trustedProxys is not an option; did you mean trustedProxies\?/);
    process.env.ROUTEKIT_ADMIN_KEY = 'too-short';
    try {
      await expect(createKeyManagement({ database })).rejects.toMatchObject({ key: 'ROUTEKIT_ADMIN_KEY' });
    } finally {
      delete process.env.ROUTEKIT_ADMIN_KEY;
    }
    const keyManagement = await createKeyManagement({ database });
    expect(() => validateRouterConfig({ keyManagement, apiKeys: [{ id: 'a', hash: 'a'.repeat(64), tenant: 't' }] })).toThrow(expect.objectContaining({ key: 'apiKeys' }) as Error);
    await database.close();
  });

  it('never falls back to a model the key may not use, even one the request\'s x-fallback-chain names', async () => {
    const mock = await startMockUpstream({ failures: { 'gpt-4.1-mini': { type: 'status', status: 500 } } });
    const database = open();
    const keyManagement = await createKeyManagement({ database });
    const restricted = await keyManagement.keys.create({ tenant: 'fallbacks', policy: { allowedModels: ['openai/gpt-4.1-mini', 'openai/gpt-4.1-nano'] } });
    const gateway = await startGateway('koa', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], keyManagement, logger: false, resilience: { attempts: { retries: 0 } } });
    try {
      const body = { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], 'x-fallback-chain': ['openai/gpt-4.1', 'openai/gpt-4.1-nano'] };
      const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${restricted.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(200);
      const receipt = ((await response.json()) as { 'x-routekit': { winner: string; attempts: Array<{ model: string }> } })['x-routekit'];
      expect(receipt.winner).toBe('openai/gpt-4.1-nano');
      expect(receipt.attempts.map((attempt) => attempt.model)).toEqual(['openai/gpt-4.1-mini', 'openai/gpt-4.1-nano']);
      expect(mock.requests.map((request) => (request.body as { model: string }).model)).not.toContain('gpt-4.1');
    } finally {
      await gateway.close();
      await mock.close();
      await database.close();
    }
  });

  it('answers 503 store_unavailable, not 401 or 500, when the key database is down', async () => {
    const mock = await startMockUpstream();
    const database = open();
    const keyManagement = await createKeyManagement({ database, adminKey });
    const { key } = await keyManagement.keys.create({ tenant: 'outage' });
    const gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], keyManagement, logger: false });
    try {
      const request = () => fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }) });
      expect((await request()).status).toBe(200);
      await database.close();
      const down = await request();
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('1');
      expect(((await down.json()) as ErrorBody).error.code).toBe('store_unavailable');
    } finally {
      await gateway.close();
      await mock.close();
    }
  });
});
