import type { ChatRequest } from '@routekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockUpstream } from '@routekit/core/testing';
import { startDemoUpstream } from './demo-upstream.js';
import { runExample } from './run-example.js';

let upstream: MockUpstream;
beforeAll(async () => {
  upstream = await startDemoUpstream();
});
afterAll(async () => {
  await upstream.close();
});

describe('examples/langchain-chain', () => {
  it('runs the chain and the tool-calling agent against the mock upstream, with a receipt per call', async () => {
    const lines: string[] = [];
    const result = await runExample({ baseUrl: upstream.url, apiKey: 'demo', log: (line) => lines.push(line) });
    expect(result.chainAnswer).toBe('Mock answer from gpt-4.1-mini.');
    expect(result.agentAnswer).toBe('It is sunny, 21 °C in Paris today.');
    expect(result.receipts).toHaveLength(3);
    expect(result.receipts.every((receipt) => receipt.status === 'ok' && receipt.winner === 'openai/gpt-4.1-mini')).toBe(true);
    const bodies = upstream.requests.map((request) => request.body as ChatRequest);
    expect(bodies.map((body) => body.model)).toEqual(['gpt-4.1-mini', 'gpt-4.1-mini', 'gpt-4.1-mini']);
    expect(bodies[1]!.tools?.[0]?.function.name).toBe('get_weather');
    expect(lines.filter((line) => line.startsWith('receipt '))).toHaveLength(3);
  });
});
