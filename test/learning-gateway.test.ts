import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { challengeRouter } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { hashApiKey, openGatewayLearning, type GatewayLearning } from '@routekit/http';
import { createSqlReceiptStore, createSqlRouterRegistry, openPostgresDatabase, type DurableReceiptStore, type SqlDatabase } from '@routekit/operations';
import { startGateway, type RunningGateway } from './start-gateway.js';
import { testPostgresConnection } from '../packages/operations/src/storage/sql-database-suite.js';

// Two gateway instances (Express and Koa) on ONE PostgreSQL: feedback given on either is stored
// once, scoped to the tenant; a router trained from those outcomes and promoted in the registry is
// in charge on both after their next poll; a rollback puts the shipped router back on both.
const run = `learning-${process.pid}-${Date.now().toString(36)}`;
const acmeKey = `sk-acme-${run}`;
const globexKey = `sk-globex-${run}`;
const apiKeys = [
  { id: 'acme-key', hash: hashApiKey(acmeKey), tenant: `${run}-acme` },
  { id: 'globex-key', hash: hashApiKey(globexKey), tenant: `${run}-globex` },
];

describe('feedback and learned routers on two gateway instances sharing PostgreSQL', () => {
  let mock: MockUpstream;
  const databases: SqlDatabase[] = [];
  const receiptStores: DurableReceiptStore[] = [];
  const learnings: GatewayLearning[] = [];
  const gateways: RunningGateway[] = [];

  beforeAll(async () => {
    mock = await startMockUpstream();
    const providers = [{ id: 'openai', kind: 'openai' as const, baseUrl: mock.url }];
    for (const framework of ['express', 'koa'] as const) {
      const database = await openPostgresDatabase({ connection: testPostgresConnection, poolSize: 3 });
      databases.push(database);
      const receipts = await createSqlReceiptStore({ database });
      receiptStores.push(receipts);
      // A long poll interval: the test reads the registry itself (refresh), as the timer would.
      const learning = await openGatewayLearning(database, { pollIntervalMs: 3_600_000 });
      learnings.push(learning);
      gateways.push(await startGateway(framework, { providers, apiKeys, receipts, learning: learning.learning, logger: false }));
    }
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    for (const learning of learnings) await learning.close();
    for (const receipts of receiptStores) await receipts.close();
    await mock?.close();
    const database = databases[0];
    if (database !== undefined) {
      await database.execute('DELETE FROM routekit_outcomes WHERE tenant LIKE $1', [`${run}-%`]);
      await database.execute("DELETE FROM routekit_router_activations WHERE router = 'default' AND reason LIKE $1", [`${run}%`]);
      await database.execute("DELETE FROM routekit_routers WHERE router = 'default' AND report LIKE $1", [`%${run}%`]);
    }
    for (const database of databases) await database.close();
  });

  const client = (index: number, key = acmeKey) => new OpenAI({ baseURL: `${gateways[index]!.url}/v1`, apiKey: key, maxRetries: 0 });

  async function chat(index: number, content: string, key = acmeKey, model = 'router-default-0.5') {
    const completion = await client(index, key).chat.completions.create({ model, messages: [{ role: 'user', content }] });
    return (completion as unknown as { 'x-routekit': { request_id: string; winner: string; router_version?: string } })['x-routekit'];
  }

  it('takes feedback on either instance for the tenant\'s own receipts, with OpenAI-style 4xx for bad input', async () => {
    const receipt = await chat(0, 'What is the capital of France?');
    expect(receipt.router_version).toMatch(/^(shipped|learned-v\d+)$/);
    // Receipts are written in batches within 50 ms; the other instance reads them from the database.
    await receiptStores[0]!.flush();
    // The openai client's generic post: routekit's endpoint beside OpenAI's, same auth and errors.
    const first = await client(1).post('/feedback', { body: { request_id: receipt.request_id, thumbs: 'up' } });
    expect(first).toEqual({ object: 'feedback', request_id: receipt.request_id, model: receipt.winner, score: 1, replaced: false });
    const again = await client(0).post('/feedback', { body: { request_id: receipt.request_id, score: 0.25 } });
    expect(again).toMatchObject({ score: 0.25, replaced: true });
    const refusals: Array<[unknown, number, string | null]> = [
      [{ request_id: receipt.request_id, score: 2 }, 400, 'score'],
      [{ request_id: receipt.request_id, thumbs: 'meh' }, 400, 'thumbs'],
      [{ request_id: receipt.request_id }, 400, 'score'],
      [{ request_id: receipt.request_id, score: 1, stars: 5 }, 400, 'stars'],
      [{ request_id: 'req-unknown', score: 1 }, 404, 'request_id'],
      [{ request_id: receipt.request_id, score: 1, model: 'openai/gpt-4o' }, 400, 'model'],
    ];
    for (const [body, status, param] of refusals) {
      const error = await client(1).post('/feedback', { body }).then(() => undefined, (caught: unknown) => caught);
      expect(error, JSON.stringify(body)).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
      expect((error as InstanceType<typeof OpenAI.APIError>).param).toBe(param);
    }
    // Another tenant's request id reads as unknown.
    const foreign = await client(0, globexKey).post('/feedback', { body: { request_id: receipt.request_id, score: 1 } }).then(() => undefined, (caught: unknown) => caught);
    expect((foreign as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
    const outcomes = await learnings[0]!.learning.outcomes.scored({ tenant: `${run}-acme` });
    expect(outcomes.map((outcome) => [outcome.request_id, outcome.scores])).toEqual([[receipt.request_id, { [receipt.winner]: 0.25 }]]);
  });

  it('switches both instances to a promoted router, and back on rollback', async () => {
    // Traffic with a known signal, both answers scored (as judging would): proofs need the strong model.
    for (let index = 0; index < 160; index++) {
      const hard = index % 2 === 0;
      const receipt = await chat(index % 2, hard ? `Prove lemma ${index} on the spectral radius of the operator` : `Say hello to my friend number ${index}`);
      await receiptStores[index % 2]!.flush();
      await client((index + 1) % 2).post('/feedback', { body: { request_id: receipt.request_id, score: 1, model: 'openai/gpt-4.1' } });
      await client(index % 2).post('/feedback', { body: { request_id: receipt.request_id, score: hard ? 0 : 1, model: 'openai/gpt-4.1-nano' } });
    }
    const outcomes = await learnings[0]!.learning.outcomes.scored({ tenant: `${run}-acme` });
    const challenge = challengeRouter(outcomes, { champion: { version: 'shipped' }, strong: 'openai/gpt-4.1', weak: 'openai/gpt-4.1-nano', resamples: 200, minimumOutcomes: 20 });
    expect(challenge.file).toBeDefined();
    const registry = await createSqlRouterRegistry({ database: databases[0]! });
    const version = await registry.add(challenge.file!, { apgr: challenge.challenger.apgr, run });
    await registry.promote(version, `${run} promote`);
    for (const learning of learnings) await learning.watch.refresh();
    // Both models scored 1 on greetings, so the learned router calls them a tie (a strong-win
    // probability within a few thousandths of 0.5, on either side depending on the outcomes' request
    // ids); a threshold of 0.7 asks for the strong model only where it is clearly better.
    for (const index of [0, 1]) {
      const hard = await chat(index, 'Prove lemma 3 on the spectral radius of the operator', acmeKey, 'router-default-0.7');
      expect(hard.router_version).toBe(`learned-v${version}`);
      expect(hard.winner).toBe('openai/gpt-4.1');
      expect((await chat(index, 'Say hello to my friend number 3', acmeKey, 'router-default-0.7')).winner).toBe('openai/gpt-4.1-nano');
    }
    const back = await registry.rollback(`${run} rollback`);
    for (const learning of learnings) await learning.watch.refresh();
    for (const index of [0, 1]) expect((await chat(index, 'Say hello')).router_version).toBe(back === null ? 'shipped' : `learned-v${back}`);
  });
});
