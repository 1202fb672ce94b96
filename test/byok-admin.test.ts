import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqlDatabase } from '@routekit/operations';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createKeyManagement } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';

// BYOK through the gateway: an admin sets a tenant's own provider key; that tenant's calls use it,
// every other tenant's use the gateway's key; the key is stored sealed and never shown again.
const adminKey = 'admin-byok-test-key-0123456789abcdef';

describe('tenant provider keys through the admin API', () => {
  let mock: MockUpstream;
  let database: SqlDatabase;
  let gateway: RunningGateway;
  const previousMasterKey = process.env.ROUTEKIT_MASTER_KEY;
  const headers = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });

  beforeAll(async () => {
    process.env.ROUTEKIT_MASTER_KEY = randomBytes(32).toString('base64');
    mock = await startMockUpstream();
    database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-byok-')), 'routekit.db') });
    const keyManagement = await createKeyManagement({ database, adminKey, lockout: false });
    gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url, apiKey: 'sk-gateway-own' }], keyManagement, logger: false });
  });
  afterAll(async () => {
    if (previousMasterKey === undefined) delete process.env.ROUTEKIT_MASTER_KEY;
    else process.env.ROUTEKIT_MASTER_KEY = previousMasterKey;
    await gateway.close();
    await mock.close();
    await database.close();
  });

  const keyFor = async (tenant: string) => ((await (await fetch(`${gateway.url}/v1/admin/keys`, { method: 'POST', headers: headers(adminKey), body: JSON.stringify({ tenant }) })).json()) as { key: string }).key;
  const ask = (key: string) => fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: headers(key), body: JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }) });

  it("uses a tenant's own key for its calls, the gateway's for others, and never shows the key again", async () => {
    const own = await keyFor('byok-co');
    const other = await keyFor('plain-co');
    const set = await fetch(`${gateway.url}/v1/admin/tenants/byok-co/provider-keys/openai`, { method: 'PUT', headers: headers(adminKey), body: JSON.stringify({ api_key: 'sk-tenant-own-1234' }) });
    expect(set.status).toBe(200);
    expect(JSON.stringify(await set.json())).not.toContain('sk-tenant-own-1234');
    expect((await ask(own)).status).toBe(200);
    expect(mock.requests.at(-1)!.headers.authorization).toBe('Bearer sk-tenant-own-1234');
    expect((await ask(other)).status).toBe(200);
    expect(mock.requests.at(-1)!.headers.authorization).toBe('Bearer sk-gateway-own');
    const listed = await (await fetch(`${gateway.url}/v1/admin/tenants/byok-co/provider-keys`, { headers: headers(adminKey) })).json();
    expect(JSON.stringify(listed)).not.toContain('sk-tenant-own-1234');
    expect(listed.data).toHaveLength(1);
    // Sealed at rest: the database holds no plaintext.
    const rows = await database.query<Record<string, unknown>>('SELECT * FROM routekit_provider_keys');
    expect(JSON.stringify(rows)).not.toContain('sk-tenant-own');
    // Removed, the tenant falls back to the gateway's key.
    expect((await fetch(`${gateway.url}/v1/admin/tenants/byok-co/provider-keys/openai`, { method: 'DELETE', headers: headers(adminKey) })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await fetch(`${gateway.url}/v1/admin/tenants/byok-co/provider-keys/openai`, { method: 'DELETE', headers: headers(adminKey) })).status).toBe(404);
    // Only admins manage them.
    expect((await fetch(`${gateway.url}/v1/admin/tenants/byok-co/provider-keys/openai`, { method: 'PUT', headers: headers(own), body: JSON.stringify({ api_key: 'sk-x' }) })).status).toBe(403);
    const audit = await (await fetch(`${gateway.url}/v1/admin/audit?format=jsonl`, { headers: headers(adminKey) })).text();
    expect(audit).toContain('provider_key.set');
    expect(audit).toContain('provider_key.deleted');
    expect(audit).not.toContain('sk-tenant-own');
  });
});
