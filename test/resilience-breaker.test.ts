import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { chat, startResilienceGateway, type ResilienceGateway } from './resilience-gateway.js';

const messages = [{ role: 'user', content: 'hi' }];
const healthyModel = 'mistral/mistral-small-latest';

interface ModelEntry {
  id: string;
  'x-routekit': { health?: { circuit: string; error_rate: number; samples: number; circuit_retry_at?: string } };
}

describe('circuit breaker per endpoint, over real HTTP (on a test clock)', () => {
  let flaky: MockUpstream;
  let healthy: MockUpstream;
  let gateway: ResilienceGateway;
  let clock = 1_000_000;

  beforeAll(async () => {
    flaky = await startMockUpstream();
    healthy = await startMockUpstream();
    gateway = await startResilienceGateway(
      [
        { id: 'openai', kind: 'openai', baseUrl: flaky.url },
        { id: 'mistral', kind: 'openai', baseUrl: healthy.url },
      ],
      {
        resilience: {
          attempts: { retries: 0, backoffBaseMs: 1 },
          circuitBreaker: { minimumCalls: 3, failureRateThreshold: 0.5, openMs: 10_000, halfOpenProbes: 1, slowCallMs: 150, slowCallRateThreshold: 0.5 },
          now: () => clock,
        },
      },
    );
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([flaky.close(), healthy.close()]);
  });
  beforeEach(() => {
    flaky.reset();
    healthy.reset();
  });

  async function health(model: string) {
    const response = await fetch(`${gateway.url}/v1/models`);
    const list = (await response.json()) as { data: ModelEntry[] };
    return list.data.find((entry) => entry.id === model)!['x-routekit'].health!;
  }

  it('opens after repeated failures, skips the endpoint before ranking, half-opens after the cool-down and closes once it recovers', async () => {
    const model = 'openai/gpt-4.1-mini';
    flaky.failNext({ type: 'status', status: 500 }, 3);
    for (let request = 0; request < 3; request += 1) {
      const answer = await chat(gateway.url, { model, messages, 'x-fallback-chain': [healthyModel] });
      expect(answer.body['x-routekit']!.winner).toBe(healthyModel);
    }
    expect(flaky.requests).toHaveLength(3);
    expect(await health(model)).toMatchObject({ circuit: 'open', circuit_retry_at: new Date(clock + 10_000).toISOString() });
    expect((await health(model)).error_rate).toBeGreaterThan(0);

    // Open: the endpoint gets no call; the receipt shows it set aside.
    const skipped = await chat(gateway.url, { model, messages, 'x-fallback-chain': [healthyModel] });
    expect(skipped.status).toBe(200);
    expect(skipped.body['x-routekit']!.candidates).toContainEqual(expect.objectContaining({ model, eligible: false, rejected_because: 'circuit_open' }));
    const routed = await chat(gateway.url, { model: 'auto', messages });
    expect(routed.body['x-routekit']!.candidates).toContainEqual(expect.objectContaining({ model, eligible: false, rejected_because: 'circuit_open' }));
    const refused = await chat(gateway.url, { model, messages });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'circuit_open' });
    // When the circuit takes a probe again, as a header clients and load balancers understand.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(flaky.requests.filter((request) => (request.body as { model: string }).model === 'gpt-4.1-mini')).toHaveLength(3);

    // After the cool-down one probe goes through; the endpoint has recovered, so the circuit closes.
    clock += 10_000;
    expect((await health(model)).circuit).toBe('half_open');
    const probe = await chat(gateway.url, { model, messages });
    expect(probe.status).toBe(200);
    expect(probe.body['x-routekit']!.attempts).toEqual([expect.objectContaining({ model, outcome: 'ok', circuit: 'probe' })]);
    expect((await health(model)).circuit).toBe('closed');
    expect((await chat(gateway.url, { model, messages })).status).toBe(200);
  });

  it('reopens for another cool-down when the probe fails, and lets only the bounded probes through', async () => {
    const model = 'openai/gpt-4.1-nano';
    flaky.failNext({ type: 'reset' }, 3);
    for (let request = 0; request < 3; request += 1) await chat(gateway.url, { model, messages });
    expect((await health(model)).circuit).toBe('open');
    clock += 10_000;
    flaky.reset();
    flaky.failNext({ type: 'timeout' });
    // Five concurrent requests after the cool-down: one probe (which hangs, then fails), four refused at once.
    const gatewayTimeout = chat(gateway.url, { model, messages, 'x-routekit-deadline-ms': 300 });
    for (let tries = 0; tries < 500 && flaky.requests.length === 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const others = await Promise.all(Array.from({ length: 4 }, () => chat(gateway.url, { model, messages })));
    expect(others.map((answer) => answer.status)).toEqual([503, 503, 503, 503]);
    expect((await gatewayTimeout).status).toBe(504);
    expect(flaky.requests).toHaveLength(1);
    // A deadline cut is not the model's fault, so the probe slot frees only after the round; a failed probe reopens.
    clock += 10_000;
    flaky.failNext({ type: 'status', status: 503 });
    expect((await chat(gateway.url, { model, messages })).status).toBe(502);
    expect((await health(model)).circuit).toBe('open');
  });

  it('opens on slow calls although every call succeeds', async () => {
    const model = 'openai/gpt-4o-mini';
    flaky.failNext({ type: 'delay', ms: 400 }, 3);
    for (let request = 0; request < 3; request += 1) expect((await chat(gateway.url, { model, messages })).status).toBe(200);
    expect((await health(model)).circuit).toBe('open');
    const answer = await chat(gateway.url, { model, messages, 'x-fallback-chain': [healthyModel] });
    expect(answer.body['x-routekit']!.winner).toBe(healthyModel);
    expect(flaky.requests).toHaveLength(3);
  });

  it('answers a clean 503 at once when every capable model is open', async () => {
    const local = await startMockUpstream();
    const lonely = await startResilienceGateway([{ id: 'openai', kind: 'openai', baseUrl: local.url }], {
      resilience: { attempts: { retries: 0 }, circuitBreaker: { minimumCalls: 2, openMs: 60_000 } },
    });
    try {
      const ids = ((await (await fetch(`${lonely.url}/v1/models`)).json()) as { data: ModelEntry[] }).data.filter((entry) => entry.id.startsWith('openai/')).map((entry) => entry.id);
      // Open every openai endpoint by failing each twice.
      local.failNext({ type: 'reset' }, 2 * ids.length);
      for (const id of ids) for (let call = 0; call < 2; call += 1) await chat(lonely.url, { model: id, messages });
      const before = local.requests.length;
      const answer = await chat(lonely.url, { model: 'auto', messages });
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatchObject({ code: 'circuit_open', type: 'upstream_error' });
      expect(local.requests.length).toBe(before);
    } finally {
      await lonely.close();
      await local.close();
    }
  });
});
