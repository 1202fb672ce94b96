import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import OpenAI, { APIError } from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { hashApiKey } from '@routekit/http';
import { startCluster, type Cluster } from '../scripts/cluster/start-cluster.js';

// Three `routekit serve` replicas behind a real HAProxy (round robin, health checks on /ready),
// sharing the test Redis and PostgreSQL, as `npm run cluster` runs them. HAProxy must be installed
// (`.ci/run` installs it): without it startCluster fails with the line that says how.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const postgresUrl = process.env.ROUTEKIT_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = randomUUID().slice(0, 8);
const tenants = { limited: `limited-${run}`, spender: `spender-${run}`, cacheA: `cache-a-${run}`, cacheB: `cache-b-${run}`, load: `load-${run}`, open: `open-${run}` };
const keys = new Map(Object.entries(tenants).map(([name, tenant]) => [name, `sk-cluster-${name}-${run}-${randomUUID()}`]));
const model = 'openai/gpt-4.1-mini';
const spendLimitUsd = 0.0005;

let fast: MockUpstream;
let dead: MockUpstream;
let slow: MockUpstream;
let cluster: Cluster;
let database: pg.Client;
// A second, small cluster with durable keys (ROUTEKIT_ADMIN_KEY), which replace static apiKeys: it
// starts beside the first and is closed after its one test, before the load tests below.
const adminKey = `cluster-admin-${run}-${randomUUID()}`;
let keyed: Cluster | undefined;

/** The official client for one tenant's key, through the balancer (or one replica), never retrying: every failure counts. */
function client(name: keyof typeof tenants, baseUrl = cluster.url): OpenAI {
  return new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: keys.get(name)!, maxRetries: 0, timeout: 30_000 });
}

beforeAll(async () => {
  fast = await startMockUpstream();
  dead = await startMockUpstream({ failures: { 'mistral-small-latest': { type: 'status', status: 500 } } });
  slow = await startMockUpstream({ tokensPerSecond: 20, reply: () => 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty.' });
  database = new pg.Client({ connectionString: postgresUrl });
  await database.connect();
  // ROUTEKIT_CLUSTER_LOG=FILE keeps HAProxy's line per request and the replicas' output there.
  const logFile = process.env.ROUTEKIT_CLUSTER_LOG;
  const keyedCluster = startCluster({
    environment: { ROUTEKIT_ADMIN_KEY: adminKey },
    config: {
      providers: [{ id: 'openai', kind: 'openai', baseUrl: fast.url, apiKey: 'test' }],
      redis: { url: redisUrl, prefix: `routekit-test:cluster-keyed-${run}:` },
      database: postgresUrl,
    },
  });
  cluster = await startCluster({
    ...(logFile !== undefined && { requestLog: true, log: (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`) }),
    config: {
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: fast.url, apiKey: 'test' },
        { id: 'mistral', kind: 'openai', baseUrl: dead.url, apiKey: 'test' },
        { id: 'groq', kind: 'openai', baseUrl: slow.url, apiKey: 'test' },
      ],
      apiKeys: Object.entries(tenants).map(([name, tenant]) => ({ id: name, hash: hashApiKey(keys.get(name)!), tenant })),
      rateLimits: { tenants: { [tenants.limited]: { requestsPerMinute: 100 } } },
      spendLimits: { tenants: { [tenants.spender]: { limits: { daily_usd: spendLimitUsd } } } },
      cache: { ttlSeconds: 6 },
      resilience: { attempts: { retries: 0 }, circuitBreaker: { minimumCalls: 3, openMs: 60_000, refreshMs: 0 } },
      redis: { url: redisUrl, prefix: `routekit-test:cluster-${run}:` },
      database: postgresUrl,
    },
  });
  keyed = await keyedCluster;
}, 60_000);

afterAll(async () => {
  await keyed?.close();
  await cluster?.close();
  await database?.end();
  await Promise.all([fast?.close(), dead?.close(), slow?.close()]);
}, 30_000);

describe('three replicas with durable keys behind HAProxy', () => {
  afterAll(async () => {
    await keyed?.close();
    keyed = undefined;
  }, 30_000);

  it('lock the attacker\'s address on every replica after 10 wrong keys in total, not 10 per replica, while the admin key still works', async () => {
    const attempt = async (apiKey: string) => {
      const answer = new OpenAI({ baseURL: `${keyed!.url}/v1`, apiKey, maxRetries: 0, timeout: 30_000 }).chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] }).withResponse();
      const { status, headers } = await answer.then(
        ({ response }) => ({ status: response.status, headers: response.headers }),
        (error: APIError) => ({ status: error.status, headers: error.headers! }),
      );
      return { status, replica: headers.get('x-routekit-replica')!, retryAfter: headers.get('retry-after') };
    };
    // Round robin: the nine failures before the lock are three per replica, far from ten on any one.
    const failures = [];
    for (let guess = 0; guess < 9; guess += 1) failures.push(await attempt(`wrong-guess-${run}-${guess}`));
    expect(failures.map((failure) => failure.status)).toEqual(Array(9).fill(401));
    expect(new Set(failures.map((failure) => failure.replica))).toEqual(new Set(keyed!.replicas.map((replica) => replica.name)));
    expect(await attempt(`wrong-guess-${run}-9`)).toMatchObject({ status: 429, retryAfter: '900' });
    const locked = [await attempt(`wrong-guess-${run}-10`), await attempt(`wrong-guess-${run}-11`), await attempt(`wrong-guess-${run}-12`)];
    expect(locked.map((failure) => failure.status)).toEqual([429, 429, 429]);
    expect(new Set(locked.map((failure) => failure.replica))).toEqual(new Set(keyed!.replicas.map((replica) => replica.name)));
    const admitted = [await attempt(adminKey), await attempt(adminKey), await attempt(adminKey)];
    expect(admitted.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(new Set(admitted.map((answer) => answer.replica))).toEqual(new Set(keyed!.replicas.map((replica) => replica.name)));
  });
});

describe('three replicas behind HAProxy', () => {
  it('admit exactly 100 of 300 concurrent requests at 100 RPM, and never spend above the limit', async () => {
    const limited = client('limited');
    const outcomes = await Promise.allSettled(Array.from({ length: 300 }, (_, index) => limited.chat.completions.create({ model, messages: [{ role: 'user', content: `Rate ${index}` }] })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(100);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome.reason as APIError).status);
    expect(new Set(refused)).toEqual(new Set([429]));

    const spender = client('spender');
    const spent = await Promise.allSettled(Array.from({ length: 100 }, (_, index) => spender.chat.completions.create({ model, max_tokens: 50, messages: [{ role: 'user', content: `Spend ${index}` }] }).withResponse()));
    const answered = spent.filter((outcome) => outcome.status === 'fulfilled');
    expect(answered.length).toBeGreaterThan(0);
    const overBudget = spent.filter((outcome) => outcome.status === 'rejected').map((outcome) => `${(outcome.reason as APIError).status} ${(outcome.reason as APIError).code}`);
    expect(overBudget.length).toBeGreaterThan(0);
    expect(new Set(overBudget)).toEqual(new Set(['402 budget_exceeded']));
    // What the answered requests cost, from their receipts in the shared database (written within a second or two).
    const ids = answered.map((outcome) => /id=([^;]+)/.exec(outcome.value.response.headers.get('x-routekit-receipt') ?? '')![1]!);
    let total = 0;
    for (let tries = 0; tries < 50; tries += 1) {
      const { rows } = await database.query('SELECT count(*)::int AS count, coalesce(sum(cost_usd), 0) AS total FROM routekit_receipts WHERE request_id = ANY($1)', [ids]);
      total = Number(rows[0].total);
      if (rows[0].count === ids.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(spendLimitUsd);
  });

  it('answer through every replica what one cached, semantically too, within the tenant and until it expires', async () => {
    // The burst of the test before may have had a replica's health check time out: round robin needs all three in.
    await cluster.balanced();
    const cacheA = client('cacheA');
    const served: string[] = [];
    const ask = async (text: string, as = cacheA) => {
      const { data, response } = await as.chat.completions.create({ model, messages: [{ role: 'user', content: text }] }).withResponse();
      served.push(response.headers.get('x-routekit-replica')!);
      return { text: data.choices[0]!.message.content, cache: /cache=(\w+)/.exec(response.headers.get('x-routekit-receipt') ?? '')?.[1] };
    };
    const calls = () => fast.requests.filter((request) => request.path === '/v1/chat/completions').length;
    const before = calls();
    const first = await ask('What is the capital of France?');
    const cachedAt = performance.now();
    expect(first.cache).toBe('miss');
    // Propagation takes milliseconds (p99 40 ms in bench/cluster.ts); a generous wait keeps the test calm on a busy machine.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const hits = [await ask('What is the capital of France?'), await ask("What's France's capital city?"), await ask('what is the capital of france'), await ask('What is the capital of France?')];
    expect(hits.map((hit) => hit.cache)).toEqual(['hit', 'hit', 'hit', 'hit']);
    expect(new Set(hits.map((hit) => hit.text))).toEqual(new Set([first.text]));
    // Round robin: the five requests went through all three replicas, and only the first reached the model.
    expect(new Set(served)).toEqual(new Set(cluster.replicas.map((replica) => replica.name)));
    expect(calls() - before).toBe(1);
    // Another tenant is not answered from it on any replica, nor is anyone after its TTL (6 s): each
    // such request reaches the model. The model fails them (errors are never cached), so one
    // replica's miss does not fill the cache for the next, and each replica's own lookup is seen.
    const missEverywhere = async (as: OpenAI) => {
      const callsBefore = calls();
      const replicas = new Set<string>();
      fast.failNext({ type: 'status', status: 400 }, 3);
      for (let request = 0; request < 3; request += 1) {
        const error = (await as.chat.completions.create({ model, messages: [{ role: 'user', content: 'What is the capital of France?' }] }).then(() => undefined, (reason: unknown) => reason)) as APIError;
        expect(error).toBeInstanceOf(APIError);
        replicas.add(error.headers?.get('x-routekit-replica') ?? '');
      }
      expect(calls() - callsBefore).toBe(3);
      expect(replicas).toEqual(new Set(cluster.replicas.map((replica) => replica.name)));
    };
    await missEverywhere(client('cacheB'));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, cachedAt + 6_300 - performance.now())));
    await missEverywhere(cacheA);
  });

  it('skip a dead upstream on every replica once its breaker trips on one', async () => {
    await cluster.balanced();
    const direct = client('open', cluster.replicas[0]!.url);
    const chat = (as: OpenAI) => as.chat.completions.create({ model: 'mistral/mistral-small-latest', messages: [{ role: 'user', content: 'Hello' }] }).withResponse();
    for (let call = 0; call < 3; call += 1) await expect(chat(direct)).rejects.toMatchObject({ status: 502 });
    const deadCalls = dead.requests.length;
    expect(deadCalls).toBe(3);
    const balanced = client('open');
    const seen = new Set<string>();
    for (let call = 0; call < 6; call += 1) {
      const error = (await chat(balanced).then(() => undefined, (reason: unknown) => reason)) as APIError;
      expect(error.status).toBe(503);
      expect(error.code).toBe('circuit_open');
      seen.add(error.headers?.get('x-routekit-replica') ?? '');
    }
    expect(seen).toEqual(new Set(cluster.replicas.map((replica) => replica.name)));
    expect(dead.requests.length).toBe(deadCalls);
  });

  it('restart one replica after another under 200 requests a second of JSON and streams with no failed request and every receipt stored once', async () => {
    const load = client('load');
    const results: Array<Promise<{ ok: boolean; id?: string; error?: string }>> = [];
    let sending = true;
    let index = 0;
    const one = async (request: number): Promise<{ ok: boolean; id?: string; error?: string }> => {
      const messages = [{ role: 'user' as const, content: `Load ${run} ${request}` }];
      try {
        if (request % 2 === 0) {
          const { data, response } = await load.chat.completions.create({ model, messages }).withResponse();
          return { ok: data.choices[0]!.finish_reason === 'stop', id: /id=([^;]+)/.exec(response.headers.get('x-routekit-receipt') ?? '')?.[1] };
        }
        const { data: stream, response } = await load.chat.completions.create({ model, messages, stream: true }).withResponse();
        let finished = false;
        for await (const chunk of stream) if (chunk.choices[0]?.finish_reason === 'stop') finished = true;
        return { ok: finished, id: /id=([^;]+)/.exec(response.headers.get('x-routekit-receipt') ?? '')?.[1] };
      } catch (error) {
        const causes: string[] = [];
        for (let cause: unknown = error; cause !== undefined && causes.length < 4; cause = (cause as { cause?: unknown }).cause) causes.push(`${String(cause)}${(cause as { code?: string }).code ? ` (${(cause as { code?: string }).code})` : ''}`);
        return { ok: false, error: `${new Date().toISOString()} ${causes.join(' <- ')}` };
      }
    };
    // 200 a second until the last replica is back (about 3,000 requests; 2-3 s to drain and to start
    // each replica on two cores. With other heavy work on the same cores, drains take 10-20 s).
    const intervalMs = 5;
    const sender = (async () => {
      const started = performance.now();
      while (sending) {
        // On a busy machine timers fire late: catch up, so the rate holds on average.
        for (const due = Math.floor((performance.now() - started) / intervalMs); index <= due; index += 1) results.push(one(index));
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const replica of cluster.replicas) {
      const started = performance.now();
      expect(await cluster.stop(replica, 'SIGTERM')).toBe(0);
      const stopped = performance.now();
      await cluster.start(replica);
      const up = performance.now();
      await cluster.balanced();
      console.log(`${replica.name}: drained and stopped in ${(stopped - started).toFixed(0)} ms, started in ${(up - stopped).toFixed(0)} ms, balanced after ${(performance.now() - up).toFixed(0)} ms; ${index} requests sent`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    sending = false;
    await sender;
    const outcomes = await Promise.all(results);
    const failed = outcomes.filter((outcome) => !outcome.ok);
    if (process.env.ROUTEKIT_CLUSTER_LOG) for (const outcome of failed) appendFileSync(process.env.ROUTEKIT_CLUSTER_LOG, `FAILED ${outcome.error}\n`);
    expect({ failed: failed.length, of: outcomes.length, examples: failed.slice(0, 3) }).toEqual({ failed: 0, of: outcomes.length, examples: [] });
    expect(outcomes.length).toBeGreaterThan(1000);
    const ids = outcomes.map((outcome) => outcome.id!);
    expect(new Set(ids).size).toBe(ids.length);
    let stored = 0;
    for (let tries = 0; tries < 50 && stored !== ids.length; tries += 1) {
      const { rows } = await database.query('SELECT count(*)::int AS count FROM routekit_receipts WHERE tenant = $1', [tenants.load]);
      stored = rows[0].count;
      if (stored !== ids.length) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(stored).toBe(ids.length);
    const { rows } = await database.query('SELECT count(*)::int AS count FROM routekit_receipts WHERE request_id = ANY($1)', [ids]);
    expect(rows[0].count).toBe(ids.length);
  }, 60_000);

  it('ends the streams of a replica killed with SIGKILL with an error, never a clean truncated answer; the others finish', async () => {
    const open = client('open');
    const streams = await Promise.all(Array.from({ length: 6 }, (_, index) => open.chat.completions.create({ model: 'groq/llama-3.1-8b-instant', messages: [{ role: 'user', content: `Count for me ${index}` }], stream: true }).withResponse()));
    const victim = cluster.replicas[1]!;
    const outcomes = streams.map(async ({ data, response }) => {
      const replica = response.headers.get('x-routekit-replica');
      let text = '';
      let finish: string | null | undefined;
      try {
        for await (const chunk of data) {
          text += chunk.choices[0]?.delta.content ?? '';
          finish ??= chunk.choices[0]?.finish_reason;
        }
        return { replica, completed: true, finish, text };
      } catch {
        return { replica, completed: false, finish, text };
      }
    });
    // Mid-stream: the answers take a second; kill after a few words have gone out.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await cluster.stop(victim, 'SIGKILL');
    const ended = await Promise.all(outcomes);
    const onVictim = ended.filter((outcome) => outcome.replica === victim.name);
    expect(onVictim.length).toBeGreaterThan(0);
    for (const outcome of onVictim) expect(outcome).toMatchObject({ completed: false });
    for (const outcome of ended.filter((outcome) => outcome.replica !== victim.name)) expect(outcome).toMatchObject({ completed: true, finish: 'stop', text: expect.stringContaining('twenty.') });
    await cluster.start(victim);
  });
});
