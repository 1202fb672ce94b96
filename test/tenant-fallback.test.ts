import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receipt } from '@routekit/core';
import { openSqliteDatabase, type SqlDatabase } from '@routekit/operations';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createKeyManagement } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';

// Issue 20, item 9: a tenant's `fallback_enabled: false` was refused as "not supported yet". Its
// requests now get no other model when theirs fails: only the first candidate, with its retries.
const adminKey = 'admin-tenant-fallback-key-0123456789';
const explicit = 'openai/gpt-4.1-mini';
const healthyModel = 'mistral/mistral-small-latest';
type Answer = { status: number; json: { error?: { code: string }; 'x-routekit'?: Receipt } & Record<string, unknown> };

describe('a tenant that turned fallbacks off', () => {
  let flaky: MockUpstream;
  let healthy: MockUpstream;
  let database: SqlDatabase;
  let gateway: RunningGateway;
  const keys = new Map<string, string>();

  async function call(path: string, init: { method?: string; key: string; body?: unknown }): Promise<Answer> {
    const response = await fetch(`${gateway.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.key}`, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, json: (await response.json()) as Answer['json'] };
  }
  const chat = (tenant: string, body: Record<string, unknown>) => call('/v1/chat/completions', { method: 'POST', key: keys.get(tenant)!, body: { messages: [{ role: 'user', content: 'Name a prime number.' }], ...body } });

  beforeAll(async () => {
    flaky = await startMockUpstream();
    healthy = await startMockUpstream();
    database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-tenant-fallback-')), 'routekit.db') });
    const keyManagement = await createKeyManagement({ database, adminKey, lockout: false });
    gateway = await startGateway('express', {
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: flaky.url },
        { id: 'mistral', kind: 'openai', baseUrl: healthy.url },
      ],
      keyManagement,
      logger: false,
      resilience: { attempts: { backoffBaseMs: 2, backoffMaxMs: 5 }, circuitBreaker: false },
    });
    for (const tenant of ['solo', 'team']) {
      const created = await call('/v1/admin/keys', { method: 'POST', key: adminKey, body: { tenant } });
      expect(created.status).toBe(201);
      keys.set(tenant, created.json.key as string);
    }
    const put = await call('/v1/admin/tenants/solo/preferences', { method: 'PUT', key: adminKey, body: { fallback_enabled: false, fallback_chain: [healthyModel] } });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([flaky.close(), healthy.close()]);
    await database.close();
  });

  it('accepts the preference and reads it back', async () => {
    const read = await call('/v1/admin/tenants/solo/preferences', { key: adminKey });
    expect(read.json).toMatchObject({ preferences: { fallback_enabled: false } });
  });

  it('keeps the failing model with its retries, and never calls another, even when the request names a chain', async () => {
    flaky.reset();
    healthy.reset();
    flaky.failNext({ type: 'status', status: 500 }, 4);
    const answer = await chat('solo', { model: explicit, 'x-fallback-chain': [healthyModel] });
    expect(answer.status).toBe(502);
    expect(answer.json.error?.code).toBe('provider_server_error');
    expect(flaky.requests).toHaveLength(4);
    expect(healthy.requests).toHaveLength(0);
  });

  it('still retries the first candidate, which then answers', async () => {
    flaky.reset();
    flaky.failNext({ type: 'status', status: 500 });
    const answer = await chat('solo', { model: explicit });
    expect(answer.status).toBe(200);
    expect(answer.json['x-routekit']!.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([
      [explicit, 'failed'],
      [explicit, 'ok'],
    ]);
  });

  it('tries only the best ranked model of a routed request', async () => {
    flaky.reset();
    healthy.reset();
    flaky.failNext({ type: 'status', status: 500 }, 20);
    healthy.failNext({ type: 'status', status: 500 }, 20);
    const answer = await chat('solo', { model: 'auto' });
    expect(answer.status).toBe(502);
    expect(flaky.requests.length + healthy.requests.length).toBe(4);
    expect(new Set([...flaky.requests, ...healthy.requests].map((request) => (request.body as { model: string }).model)).size).toBe(1);
  });

  it('leaves other tenants their fallbacks', async () => {
    flaky.reset();
    healthy.reset();
    flaky.failNext({ type: 'status', status: 500 }, 4);
    const answer = await chat('team', { model: explicit, 'x-fallback-chain': [healthyModel] });
    expect(answer.status).toBe(200);
    expect(answer.json['x-routekit']!.winner).toBe(healthyModel);
  });
});
