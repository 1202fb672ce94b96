import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createKeyManagement, hashApiKey, type KeyManagement } from '@routekit/http';
import { createRedisFailedAuthLockout, openSqliteDatabase, type FailedAuthLockout, type SqlDatabase } from '@routekit/operations';
import { startGateway, type RunningGateway } from './start-gateway.js';

// Issue 20, item 5: behind a load balancer without trustedProxies every caller has one address,
// so ten wrong keys from anyone used to lock out everyone, the admin key included, for 15 minutes.
const adminKey = 'admin-lockout-test-key-0123456789';
const question = { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'Name a prime number.' }] };

/** One chat call through the official client; the status it ended with (200, or the error's). */
async function statusOf(url: string, apiKey: string): Promise<{ status: number; retryAfter?: string | null; code?: string }> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
  try {
    await client.chat.completions.create(question);
    return { status: 200 };
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    return { status: error.status ?? 0, retryAfter: error.headers?.get('retry-after'), code: String(error.code) };
  }
}

describe('failed-key lockout on one shared address (no trusted proxies)', () => {
  let mock: MockUpstream;
  let database: SqlDatabase;
  let keyManagement: KeyManagement;
  let gateway: RunningGateway;
  let now = Date.parse('2026-03-01T12:00:00Z');

  beforeAll(async () => {
    mock = await startMockUpstream();
    database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-lockout-')), 'routekit.db') });
    keyManagement = await createKeyManagement({ database, adminKey, now: () => now });
    gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], keyManagement, logger: false });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
    await database.close();
  });

  const admin = (path: string, init: { method?: string; key?: string; body?: unknown } = {}) =>
    fetch(`${gateway.url}${path}`, { method: init.method ?? 'GET', headers: { authorization: `Bearer ${init.key ?? adminKey}`, ...(init.body !== undefined && { 'content-type': 'application/json' }) }, ...(init.body !== undefined && { body: JSON.stringify(init.body) }) });

  it('keeps admitting right keys, the admin key included, while wrong keys from the same address are throttled', async () => {
    const created = (await (await admin('/v1/admin/keys', { method: 'POST', body: { tenant: 'acme' } })).json()) as { key: string };
    for (let attempt = 0; attempt < 9; attempt += 1) expect((await statusOf(gateway.url, `sk-wrong-guess-${attempt}`)).status).toBe(401);
    // The tenth guess locks the address: it and every failing guess after it are refused as throttled, with how long to wait.
    const throttled = await statusOf(gateway.url, 'sk-wrong-guess-10');
    expect(throttled).toMatchObject({ status: 429, code: 'too_many_failed_attempts', retryAfter: '900' });
    expect((await statusOf(gateway.url, created.key)).status).toBe(200);
    expect((await statusOf(gateway.url, adminKey)).status).toBe(200);
    expect((await admin('/v1/admin/keys')).status).toBe(200);
    // A guesser that keeps going stays throttled.
    now += 600_000;
    expect((await statusOf(gateway.url, 'sk-wrong-guess-11')).status).toBe(429);
    expect((await statusOf(gateway.url, created.key)).status).toBe(200);
  });

  it('throttles guesses at one key id from anywhere, without locking out the key itself', async () => {
    const created = (await (await admin('/v1/admin/keys', { method: 'POST', body: { tenant: 'acme' } })).json()) as { id: string; key: string };
    const secret = created.key.slice(`rk_live_${created.id}_`.length);
    const wrong = `rk_live_${created.id}_${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    now += 3_600_000;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) statuses.push((await statusOf(gateway.url, wrong)).status);
    expect(statuses.at(-1)).toBe(429);
    expect((await statusOf(gateway.url, created.key)).status).toBe(200);
  });

  it('writes one auth.failed row a minute per address and reason, however many key ids a guesser invents', async () => {
    now += 3_600_000;
    const since = now;
    for (let attempt = 0; attempt < 30; attempt += 1) await statusOf(gateway.url, `rk_live_${attempt.toString(16).padStart(16, '0')}_${'C'.repeat(43)}`);
    // (A row counting an earlier test's window of the same series may be written now too.)
    const failed = (await keyManagement.audit.list({ type: 'auth.failed', since })).filter((event) => event.detail.repeated === undefined);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail.reason).toBe('unknown_or_wrong_key');
  });

  it('writes one audit row a minute for refused admin calls, then one row counting the rest', async () => {
    const plain = (await (await admin('/v1/admin/keys', { method: 'POST', body: { tenant: 'acme' } })).json()) as { id: string; key: string };
    now += 3_600_000;
    const since = now;
    const refused = await Promise.all(Array.from({ length: 200 }, () => admin('/v1/admin/keys', { key: plain.key })));
    expect(refused.every((response) => response.status === 403)).toBe(true);
    const denials = async () => (await keyManagement.audit.list({ type: 'admin.denied', since })).filter((event) => event.actor === plain.id);
    expect(await denials()).toHaveLength(1);
    now += 61_000;
    expect((await admin('/v1/admin/keys', { key: plain.key })).status).toBe(403);
    const rows = await denials();
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.detail.repeated ?? 0)).toEqual([0, 199, 0]);
  });
});

describe('static apiKeys get the same throttling', () => {
  let mock: MockUpstream;
  let gateway: RunningGateway;
  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway('koa', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], apiKeys: [{ id: 'app', hash: hashApiKey('sk-static-right-key'), tenant: 'acme' }], logger: false });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  it('answers 429 from the tenth wrong key from an address while the right key still works', async () => {
    for (let attempt = 0; attempt < 9; attempt += 1) expect((await statusOf(gateway.url, `sk-static-guess-${attempt}`)).status).toBe(401);
    expect(await statusOf(gateway.url, 'sk-static-guess-10')).toMatchObject({ status: 429, code: 'too_many_failed_attempts' });
    expect((await statusOf(gateway.url, 'sk-static-right-key')).status).toBe(200);
  });
});

describe('replicas share one lockout on Redis', () => {
  let mock: MockUpstream;
  let database: SqlDatabase;
  const opened: FailedAuthLockout[] = [];
  const gateways: RunningGateway[] = [];
  /** A lockout on the test Redis, as every replica of one gateway opens it (`openSharedStores(...).lockout`). */
  const shared = (prefix: string) => {
    const lockout = createRedisFailedAuthLockout({ prefix, maxFailures: 6 });
    opened.push(lockout);
    return lockout;
  };
  beforeAll(async () => {
    mock = await startMockUpstream();
    database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-lockout-')), 'routekit.db') });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await Promise.all(opened.map((lockout) => lockout.close?.()));
    await mock.close();
    await database.close();
  });

  it('locks an address after the static keys’ failures through two replicas add up, on both, while the right key still works', async () => {
    const options = { providers: [{ id: 'openai', kind: 'openai' as const, baseUrl: mock.url }], apiKeys: [{ id: 'app', hash: hashApiKey('sk-shared-right-key'), tenant: 'acme' }], logger: false as const };
    const prefix = `routekit-test:auth-lockout-${randomUUID()}:`;
    const [first, second] = [await startGateway('express', { ...options, apiKeyLockout: shared(prefix) }), await startGateway('koa', { ...options, apiKeyLockout: shared(prefix) })];
    gateways.push(first!, second!);
    // Five wrong keys, alternating: each replica alone has seen three at most.
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await statusOf((attempt % 2 === 0 ? first : second)!.url, `sk-shared-guess-${attempt}`)).status).toBe(401);
    expect(await statusOf(second!.url, 'sk-shared-guess-5')).toMatchObject({ status: 429, code: 'too_many_failed_attempts', retryAfter: '900' });
    expect((await statusOf(first!.url, 'sk-shared-guess-6')).status).toBe(429);
    expect((await statusOf(first!.url, 'sk-shared-right-key')).status).toBe(200);
    expect((await statusOf(second!.url, 'sk-shared-right-key')).status).toBe(200);
  });

  it('does the same for durable keys and the admin key of key management', async () => {
    const prefix = `routekit-test:auth-lockout-${randomUUID()}:`;
    const replicas = [await createKeyManagement({ database, adminKey, lockout: shared(prefix) }), await createKeyManagement({ database, adminKey, lockout: shared(prefix) })];
    const [first, second] = await Promise.all(replicas.map((keyManagement) => startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], keyManagement, logger: false })));
    gateways.push(first!, second!);
    const created = (await (await fetch(`${first!.url}/v1/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'acme' }) })).json()) as { key: string };
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await statusOf((attempt % 2 === 0 ? first : second)!.url, `sk-durable-guess-${attempt}`)).status).toBe(401);
    expect(await statusOf(second!.url, 'sk-durable-guess-5')).toMatchObject({ status: 429, code: 'too_many_failed_attempts' });
    expect((await statusOf(first!.url, 'sk-durable-guess-6')).status).toBe(429);
    expect((await statusOf(first!.url, created.key)).status).toBe(200);
    expect((await statusOf(second!.url, adminKey)).status).toBe(200);
  });
});
