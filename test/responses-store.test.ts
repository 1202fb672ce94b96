import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryResponseStore, type ResponseObject, type ResponseStore, type StoredResponse } from '@routekit/core';
import { openPostgresDatabase, openSqliteDatabase, type SqlDatabase } from '@routekit/operations';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createKeyManagement, createSqlResponseStore, type KeyManagement } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';

// Stored responses: one suite every store passes (memory, a SQLite file, the real PostgreSQL), and
// the gateway with durable keys, where a tenant's content retention decides whether anything is kept.
const run = `responses-${process.pid}-${Date.now().toString(36)}`;
const postgres = process.env.ROUTEKIT_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

function stored(id: string, tenant: string, expiresAt: number): StoredResponse {
  return { id, tenant, modelRequested: 'auto', expiresAt, conversation: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }], response: { id, object: 'response', output_text: 'hello' } as ResponseObject };
}

const stores: Array<[string, (now: () => number) => Promise<{ store: ResponseStore; close(): Promise<void> }>]> = [
  ['memory', async (now) => ({ store: new MemoryResponseStore({ now }), close: async () => undefined })],
  ['SQLite file', async (now) => {
    const database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-responses-')), 'routekit.db') });
    const store = await createSqlResponseStore({ database, now });
    return { store, close: async () => { await store.close?.(); await database.close(); } };
  }],
  ['PostgreSQL', async (now) => {
    const database = await openPostgresDatabase({ connection: postgres });
    const store = await createSqlResponseStore({ database, now });
    return { store, close: async () => { await database.execute('DELETE FROM routekit_responses WHERE id LIKE $1', [`${run}%`]); await store.close?.(); await database.close(); } };
  }],
];

describe.each(stores)('the %s response store', (_name, open) => {
  let now = 1_000_000;
  let opened: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    opened = await open(() => now);
  });
  afterAll(() => opened.close());

  it('keeps a response for its tenant only, until it expires, and deletes it once', async () => {
    const { store } = opened;
    const id = `${run}-a`;
    await store.put(stored(id, 'acme', now + 1_000));
    expect(await store.get(id, 'acme')).toEqual(stored(id, 'acme', now + 1_000));
    expect(await store.get(id, 'globex')).toBeUndefined();
    expect(await store.delete(id, 'globex')).toBe(false);
    expect(await store.delete(id, 'acme')).toBe(true);
    expect(await store.delete(id, 'acme')).toBe(false);
    expect(await store.get(id, 'acme')).toBeUndefined();

    await store.put(stored(`${run}-b`, 'acme', now + 1_000));
    now += 1_000;
    expect(await store.get(`${run}-b`, 'acme')).toBeUndefined();
  });
});

describe('stored responses follow tenants\' content retention with durable keys', () => {
  const adminKey = 'admin-responses-test-key-0123456789';
  let mock: MockUpstream;
  let database: SqlDatabase;
  let keyManagement: KeyManagement;
  let gateway: RunningGateway;
  let now = Date.parse('2026-06-01T12:00:00Z');

  beforeAll(async () => {
    mock = await startMockUpstream();
    database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-responses-keys-')), 'routekit.db') });
    keyManagement = await createKeyManagement({ database, adminKey, lockout: false, now: () => now });
    const store = await createSqlResponseStore({ database, now: () => now });
    gateway = await startGateway('koa', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], keyManagement, responses: { store }, logger: false });
  });
  afterAll(async () => {
    keyManagement.retention.close();
    await gateway.close();
    await mock.close();
    await database.close();
  });

  async function clientFor(tenant: string): Promise<OpenAI> {
    const created = await fetch(`${gateway.url}/v1/admin/keys`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ tenant }) });
    return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: ((await created.json()) as { key: string }).key, maxRetries: 0 });
  }

  it('refuses store: true for a tenant that has not opted in, naming the admin call; keeps responses for one that has, until its period ends', async () => {
    const quiet = await clientFor('quiet-co');
    const refused = await quiet.responses.create({ model: 'auto', input: 'hi', store: true }).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as Error).message).toContain('PUT /v1/admin/tenants/quiet-co/preferences');
    expect((await quiet.responses.create({ model: 'auto', input: 'hi' })).store).toBe(false);

    const keeping = await clientFor('keeping-co');
    const opted = await fetch(`${gateway.url}/v1/admin/tenants/keeping-co/preferences`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ content_retention_days: 2 }) });
    expect(opted.status).toBe(200);
    const first = await keeping.responses.create({ model: 'auto', input: 'My name is Ada.' });
    expect(first.store).toBe(true);
    const second = await keeping.responses.create({ model: 'auto', input: 'What is my name?', previous_response_id: first.id });
    expect(second.model).toBe(first.model);
    expect((await keeping.responses.retrieve(first.id)).output_text).toBe(first.output_text);
    await expect(quiet.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    now += 2 * 86_400_000;
    await expect(keeping.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(keeping.responses.create({ model: 'auto', input: 'Still there?', previous_response_id: second.id })).rejects.toMatchObject({ status: 400, code: 'previous_response_not_found' });
  });
});

describe('the responses option', () => {
  it('is validated strictly at startup', async () => {
    const { validateRouterConfig } = await import('@routekit/http');
    const database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-responses-config-')), 'routekit.db') });
    const keyManagement = await createKeyManagement({ database, adminKey: 'admin-responses-config-key-0123456789', lockout: false });
    try {
      expect(() => validateRouterConfig({ responses: { retentionDays: 7, keyManagement } })).toThrow(/responses\.keyManagement/);
      expect(() => validateRouterConfig({ keyManagement, responses: { retentionDays: 7 } })).toThrow(/content_retention_days/);
      expect(() => validateRouterConfig({ responses: { retentionDays: 0 } })).toThrow(/responses\.retentionDays/);
      expect(() => validateRouterConfig({ responses: { store: {} } })).toThrow(/ResponseStore/);
      expect(validateRouterConfig({ responses: { retentionDays: 30, store: new MemoryResponseStore() } }).responses?.retentionDays).toBe(30);
    } finally {
      keyManagement.retention.close();
      await database.close();
    }
  });
});
