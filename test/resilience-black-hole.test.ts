import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockFailure, type MockUpstream } from '@routekit/core/testing';
import { chat, chatStream, receiptOf, startResilienceGateway, type ResilienceGateway } from './resilience-gateway.js';

// Issue 20, item 2: a model that accepts requests and never answers (a black hole) used to cost the
// first requests three timeouts each (two retries of the same model) before the healthy fallback
// answered, and the breaker needed 10 calls in 30 s to open, which a quiet gateway never sees.
const messages = [{ role: 'user', content: 'hi' }];
const blackHoled = 'openai/gpt-4.1-mini';
const healthyModel = 'mistral/mistral-small-latest';
// Short timeouts through config, so the test waits a fraction of a second per timeout, not 60 s.
const attempts = { attemptTimeoutMs: 300, firstTokenTimeoutMs: 300, backoffBaseMs: 2, backoffMaxMs: 5 };

describe('a black-holed candidate on a quiet gateway', () => {
  let blackHole: MockUpstream;
  let healthy: MockUpstream;
  let gateway: ResilienceGateway;

  beforeAll(async () => {
    blackHole = await startMockUpstream({ chooseFailure: () => ({ type: 'timeout' }) });
    healthy = await startMockUpstream();
    gateway = await startResilienceGateway(
      [
        { id: 'openai', kind: 'openai', baseUrl: blackHole.url },
        { id: 'mistral', kind: 'openai', baseUrl: healthy.url },
      ],
      // The breaker keeps its shipped thresholds (10 calls in 30 s): only the run of timeouts may open it.
      { resilience: { attempts, fallbacks: { [blackHoled]: [healthyModel] } } },
    );
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([blackHole.close(), healthy.close()]);
  });

  it('costs a request at most one timeout, and is skipped after three requests in a row timed out', async () => {
    const receipts = [];
    for (let request = 0; request < 3; request += 1) {
      const answer = await chat(gateway.url, { model: blackHoled, messages });
      expect(answer.status).toBe(200);
      receipts.push(answer.body['x-routekit']!);
    }
    for (const receipt of receipts) {
      expect(receipt.winner).toBe(healthyModel);
      expect(receipt.attempts.map((attempt) => [attempt.model, attempt.outcome, attempt.error_code])).toEqual([
        [blackHoled, 'failed', 'provider_timeout'],
        [healthyModel, 'ok', undefined],
      ]);
    }
    expect(blackHole.requests).toHaveLength(3);
    expect(gateway.engine.health(gateway.engine.catalog.resolve(blackHoled)).circuit).toBe('open');

    // The circuit is open: later requests and streams go to the healthy model without waiting.
    const answer = await chat(gateway.url, { model: blackHoled, messages });
    expect(answer.status).toBe(200);
    expect(answer.body['x-routekit']!.attempts).toEqual([expect.objectContaining({ model: healthyModel, outcome: 'ok' })]);
    expect(answer.body['x-routekit']!.candidates).toContainEqual(expect.objectContaining({ model: blackHoled, eligible: false, rejected_because: 'circuit_open' }));
    const stream = await chatStream(gateway.url, { model: blackHoled, messages });
    expect(stream.done).toBe(true);
    expect((await receiptOf(gateway.url, stream.requestId)).winner).toBe(healthyModel);
    expect(blackHole.requests).toHaveLength(3);
  });

  it('still retries a timeout on the same model when it is the last candidate', async () => {
    const alone = await startMockUpstream();
    const single = await startResilienceGateway([{ id: 'openai', kind: 'openai', baseUrl: alone.url }], { resilience: { attempts } });
    try {
      alone.failNext({ type: 'timeout' }, 2);
      const answer = await chat(single.url, { model: blackHoled, messages });
      expect(answer.status).toBe(200);
      expect(answer.body['x-routekit']!.attempts.map((attempt) => attempt.outcome)).toEqual(['failed', 'failed', 'ok']);
    } finally {
      await single.close();
      await alone.close();
    }
  });
});

/** A seeded linear congruential generator: the same faults in the same order on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

describe('an explicit model with 20% transient faults', () => {
  it('fails fewer than 1% of 500 requests: its retries absorb 500s, resets and 429s', async () => {
    const random = seeded(20);
    const kinds: MockFailure[] = [{ type: 'status', status: 500 }, { type: 'reset' }, { type: 'status', status: 429 }];
    let faults = 0;
    const flaky = await startMockUpstream({
      chooseFailure: () => {
        if (random() >= 0.2) return undefined;
        faults += 1;
        return kinds[faults % kinds.length];
      },
    });
    const gateway = await startResilienceGateway([{ id: 'openai', kind: 'openai', baseUrl: flaky.url }], { resilience: { attempts, random: seeded(7) } });
    try {
      let failed = 0;
      // One at a time, so each request meets the same faults on every run.
      for (let request = 0; request < 500; request += 1) {
        const answer = await chat(gateway.url, { model: blackHoled, messages });
        if (answer.status !== 200) failed += 1;
      }
      expect(faults).toBeGreaterThan(80);
      expect(failed / 500).toBeLessThan(0.01);
    } finally {
      await gateway.close();
      await flaky.close();
    }
  });
});
