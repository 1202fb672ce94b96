import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase, type SqlDatabase } from '@routekit/operations';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createKeyManagement } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';
import { testPostgresConnection } from '../packages/operations/src/storage/sql-database-suite.js';

// Two gateway instances (Express and Koa), each with its own connection pool to ONE PostgreSQL
// (127.0.0.1:5432, database `test`): a key created through A's admin API works on B at once, a
// revocation on B refuses it on A at once, preferences set on A apply on B, and either instance's
// audit export shows both instances' events. The tables are shared with other suites, so this run
// uses a tenant of its own and deletes nothing.
const connection = testPostgresConnection;
const tenant = `shared-${process.pid}-${Date.now().toString(36)}`;
const adminKey = 'admin-shared-postgres-key-0123456789';

describe('two gateway instances on one PostgreSQL', () => {
  let mock: MockUpstream;
  const databases: SqlDatabase[] = [];
  let first: RunningGateway;
  let second: RunningGateway;

  beforeAll(async () => {
    mock = await startMockUpstream();
    const providers = [{ id: 'openai', kind: 'openai' as const, baseUrl: mock.url }];
    const instance = async () => {
      const database = await openPostgresDatabase({ connection, poolSize: 3 });
      databases.push(database);
      return createKeyManagement({ database, adminKey, lockout: false });
    };
    first = await startGateway('express', { providers, keyManagement: await instance(), logger: false });
    // The second instance reads its admin key from the environment, as a deployment would.
    process.env.ROUTEKIT_ADMIN_KEY = adminKey;
    try {
      const database = await openPostgresDatabase({ connection, poolSize: 3 });
      databases.push(database);
      second = await startGateway('koa', { providers, keyManagement: await createKeyManagement({ database, lockout: false }), logger: false });
    } finally {
      delete process.env.ROUTEKIT_ADMIN_KEY;
    }
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await mock.close();
    for (const database of databases) await database.close();
  });

  async function call(url: string, path: string, init: { method?: string; key?: string; body?: unknown } = {}) {
    const headers: Record<string, string> = {};
    if (init.key !== undefined) headers.authorization = `Bearer ${init.key}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined && { body: JSON.stringify(init.body) }) });
    const text = await response.text();
    return { status: response.status, text, json: (/^application\/json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined) as Record<string, unknown> };
  }
  const chat = (url: string, key: string, model = 'openai/gpt-4.1-mini') => call(url, '/v1/chat/completions', { method: 'POST', key, body: { model, messages: [{ role: 'user', content: 'Say hi.' }] } });

  it('share keys, revocations, preferences and the audit log', async () => {
    const created = await call(first.url, '/v1/admin/keys', { method: 'POST', key: adminKey, body: { tenant } });
    expect(created.status).toBe(201);
    const key = created.json.key as string;
    const id = created.json.id as string;
    expect((await chat(second.url, key)).status).toBe(200);
    expect((await call(second.url, `/v1/admin/keys/${id}`, { key: adminKey })).json).toMatchObject({ id, tenant, status: 'active' });

    expect((await call(first.url, `/v1/admin/tenants/${tenant}/preferences`, { method: 'PUT', key: adminKey, body: { blocked_models: ['openai/gpt-4.1-mini'] } })).status).toBe(200);
    const blocked = await chat(second.url, key);
    expect(blocked.status).toBe(403);
    expect((blocked.json as { error: { code: string } }).error.code).toBe('model_not_allowed');
    expect((await chat(second.url, key, 'openai/gpt-4.1')).status).toBe(200);

    expect((await call(second.url, `/v1/admin/keys/${id}/revoke`, { method: 'POST', key: adminKey })).status).toBe(200);
    expect((await chat(first.url, key, 'openai/gpt-4.1')).status).toBe(401);

    const exported = await call(second.url, `/v1/admin/audit?format=jsonl&tenant=${tenant}`, { key: adminKey });
    const events = exported.text.trim().split('\n').map((line) => JSON.parse(line) as { type: string; target: string });
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['key.created', 'preferences.updated', 'key.revoked', 'admin.read']));
    expect(events.find((event) => event.type === 'key.created')?.target).toBe(id);
    expect(exported.text).not.toContain(key);
  });
});
