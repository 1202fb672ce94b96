import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, type SqlDatabase } from '@routekit/operations';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createKeyManagement, type KeyManagement } from '@routekit/http';
import { startGateway, type RunningGateway } from './start-gateway.js';

// Seed 002's content retention: no prompt or answer text is kept unless the tenant opts in, and then
// the text kept is what the model saw (PII redacted), for the tenant's retention period only.
const adminKey = 'admin-retention-test-key-0123456789';

describe('content retention per tenant', () => {
  let mock: MockUpstream;
  let database: SqlDatabase;
  let gateway: RunningGateway;
  let keyManagement: KeyManagement;
  let now = Date.parse('2026-06-01T12:00:00Z');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json = async (response: Promise<Response>): Promise<any> => (await response).json();
  const headers = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });

  beforeAll(async () => {
    mock = await startMockUpstream({ reply: (request) => `You wrote: ${JSON.stringify(request.messages.at(-1)!.content)}` });
    database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-retention-')), 'routekit.db') });
    keyManagement = await createKeyManagement({ database, adminKey, lockout: false, now: () => now });
    gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], keyManagement, pii: true, logger: false });
  });
  afterAll(async () => {
    keyManagement.retention.close();
    await gateway.close();
    await mock.close();
    await database.close();
  });

  async function keyFor(tenant: string): Promise<string> {
    const created = await json(fetch(`${gateway.url}/v1/admin/keys`, { method: 'POST', headers: headers(adminKey), body: JSON.stringify({ tenant }) }));
    return created.key as string;
  }

  it('keeps nothing by default, and the redacted prompt and answer for a tenant that opts in, until its retention ends', async () => {
    const keeping = await keyFor('debugging-co');
    const quiet = await keyFor('private-co');
    const opted = await fetch(`${gateway.url}/v1/admin/tenants/debugging-co/preferences`, { method: 'PUT', headers: headers(adminKey), body: JSON.stringify({ content_retention_days: 7 }) });
    expect(opted.status).toBe(200);
    const ask = (key: string) => json(fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: headers(key), body: JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'Mail jane.doe@example.com the invoice' }] }) }));
    const kept = await ask(keeping);
    const notKept = await ask(quiet);
    // The app still gets its own text back.
    expect(kept.choices[0].message.content).toContain('jane.doe@example.com');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const receipt = await json(fetch(`${gateway.url}/v1/receipts/${kept.id}?include=content`, { headers: headers(keeping) }));
    expect(receipt.content.messages[0].content).toMatch(/^Mail <EMAIL_1_[a-z0-9]+> the invoice$/);
    expect(receipt.content.answer).toContain('<EMAIL_1_');
    expect(JSON.stringify(receipt.content)).not.toContain('jane.doe@example.com');
    expect(Date.parse(receipt.content.retained_until)).toBe(now + 7 * 86_400_000);
    // Without include=content the receipt is as before; the other tenant kept nothing.
    expect((await json(fetch(`${gateway.url}/v1/receipts/${kept.id}`, { headers: headers(keeping) }))).content).toBeUndefined();
    expect((await json(fetch(`${gateway.url}/v1/receipts/${notKept.id}?include=content`, { headers: headers(quiet) }))).content).toBeUndefined();
    expect(await database.query('SELECT request_id FROM routekit_retained_content WHERE tenant = $1', ['private-co'])).toHaveLength(0);

    // After the retention period the text is gone.
    now += 8 * 86_400_000;
    expect((await json(fetch(`${gateway.url}/v1/receipts/${kept.id}?include=content`, { headers: headers(keeping) }))).content).toBeUndefined();
    expect(await keyManagement.retention.expire()).toBe(1);
  });

  it('refuses a retention outside 1..365 days, naming the field', async () => {
    const refused = await fetch(`${gateway.url}/v1/admin/tenants/debugging-co/preferences`, { method: 'PUT', headers: headers(adminKey), body: JSON.stringify({ content_retention_days: 1000 }) });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.param).toBe('content_retention_days');
  });
});
