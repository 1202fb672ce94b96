import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { chat, chatStream, receiptOf, startResilienceGateway, type ResilienceGateway } from './resilience-gateway.js';

const messages = [{ role: 'user', content: 'hi' }];
const model = 'openai/gpt-4.1-mini';
const other = 'mistral/mistral-small-latest';
const latencyFirst = { 'x-routing-hints': { priority: 'latency' }, 'x-fallback-chain': [other] };

describe('hedging of latency-priority requests', () => {
  let first: MockUpstream;
  let second: MockUpstream;
  let gateway: ResilienceGateway;

  beforeAll(async () => {
    first = await startMockUpstream();
    second = await startMockUpstream();
    gateway = await startResilienceGateway(
      [
        { id: 'openai', kind: 'openai', baseUrl: first.url },
        { id: 'mistral', kind: 'openai', baseUrl: second.url },
      ],
      { resilience: { hedging: { minimumSamples: 3 } } },
    );
    // Three quick answers give the first model a p95 time to first token.
    for (let call = 0; call < 3; call += 1) await chat(gateway.url, { model, messages });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([first.close(), second.close()]);
  });

  it('starts the second candidate when the first is slower than its p95, keeps the faster answer and cancels the other', async () => {
    first.reset();
    first.failNext({ type: 'delay', ms: 5000 });
    const answer = await chat(gateway.url, { model, messages, ...latencyFirst });
    expect(answer.status).toBe(200);
    const receipt = answer.body['x-routekit']!;
    expect(receipt.hedged).toBe(true);
    expect(receipt.winner).toBe(other);
    expect(receipt.attempts).toEqual(
      expect.arrayContaining([expect.objectContaining({ model: other, outcome: 'ok', hedge: true }), expect.objectContaining({ model, outcome: 'cancelled', error_code: 'hedge_lost' })]),
    );
    // Only the winner is billed.
    expect(receipt.cost_usd).toBeGreaterThan(0);
    for (let tries = 0; tries < 100 && !first.requests[0]?.aborted; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(first.requests[0]?.aborted).toBe(true);
  });

  it('hedges a stream before its first token too', async () => {
    first.reset();
    first.failNext({ type: 'delay', ms: 5000 });
    const answer = await chatStream(gateway.url, { model, messages, ...latencyFirst });
    expect(answer.done).toBe(true);
    expect(answer.text).toBe('Mock answer from mistral-small-latest.');
    expect((await receiptOf(gateway.url, answer.requestId)).hedged).toBe(true);
  });

  it('does not hedge without the latency priority', async () => {
    second.reset();
    first.failNext({ type: 'delay', ms: 300 });
    const answer = await chat(gateway.url, { model, messages, 'x-fallback-chain': [other] });
    expect(answer.body['x-routekit']!.winner).toBe(model);
    expect(answer.body['x-routekit']!.hedged).toBeUndefined();
    expect(second.requests).toHaveLength(0);
  });
});
