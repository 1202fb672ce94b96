import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { hashApiKey, learningFromEnvironment, openGatewayLearning, type GatewayLearning } from '@routekit/http';
import { createSqlReceiptStore, openSqliteDatabase, type DurableOutcomeStore, type DurableReceiptStore, type SqlDatabase } from '@routekit/operations';
import { startGateway, type RunningGateway } from './start-gateway.js';

// `auto` learning per-model quality on a gateway: thumbs-down over HTTP for the model `auto` keeps
// choosing on a kind of prompt, stored in the gateway's database; after the table's refresh `auto`
// sends that kind elsewhere, and the receipt says what it learned from.
const key = 'sk-acme-auto-learning';
const question = 'Which planet is the largest?\nA. Mars\nB. Jupiter\nC. Venus\nD. Earth';

describe('auto learning per-model quality over HTTP', () => {
  let mock: MockUpstream;
  let database: SqlDatabase;
  let receipts: DurableReceiptStore;
  let learned: GatewayLearning;
  let gateway: RunningGateway;

  beforeAll(async () => {
    mock = await startMockUpstream();
    database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-auto-learning-')), 'routekit.db') });
    receipts = await createSqlReceiptStore({ database });
    // A long poll: the test refreshes the table itself, as the poll would.
    learned = await openGatewayLearning(database, { pollIntervalMs: 3_600_000 });
    gateway = await startGateway('express', { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], apiKeys: [{ id: 'acme-key', hash: hashApiKey(key), tenant: 'acme' }], receipts, learning: learned.learning, logger: false });
  });
  afterAll(async () => {
    await gateway?.close();
    await learned?.close();
    await receipts?.close();
    await mock?.close();
    await database?.close();
  });

  const client = new OpenAI({ baseURL: 'http://placeholder/v1', apiKey: key, maxRetries: 0 });
  async function ask(): Promise<{ request_id: string; winner: string; reason: string }> {
    const completion = await client.withOptions({ baseURL: `${gateway.url}/v1` }).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: question }] });
    return (completion as unknown as { 'x-routekit': { request_id: string; winner: string; reason: string } })['x-routekit'];
  }

  it('stops sending a kind of prompt to the model that keeps losing on it', async () => {
    const first = await ask();
    const loser = first.winner;
    for (let index = 0; index < 30; index++) {
      const receipt = await ask();
      await receipts.flush();
      await client.withOptions({ baseURL: `${gateway.url}/v1` }).post('/feedback', { body: { request_id: receipt.request_id, thumbs: 'down', model: loser } });
    }
    // The features are written in batches; the refresh reads what the database holds.
    await (learned.learning.outcomes as DurableOutcomeStore).flush();
    const quality = learned.learning.quality;
    if (quality === undefined || quality === false) throw new Error('auto learning is on by default');
    const table = await quality.refresh(learned.learning.outcomes);
    expect(table.outcomes).toBe(30);
    const after = await ask();
    expect(after.winner).not.toBe(loser);
    expect(after.reason).toContain(`quality table v${table.version}, 30 outcomes`);
  });

  it('is off with ROUTEKIT_AUTO_LEARNING=off, and names a bad value', async () => {
    const off = await learningFromEnvironment(database, { ROUTEKIT_LEARNING: '1', ROUTEKIT_AUTO_LEARNING: 'off' });
    expect(off?.learning.quality).toBe(false);
    await off?.close();
    await expect(learningFromEnvironment(database, { ROUTEKIT_LEARNING: '1', ROUTEKIT_AUTO_LEARNING: 'maybe' })).rejects.toMatchObject({ key: 'ROUTEKIT_AUTO_LEARNING' });
  });
});
