import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installGracefulShutdown, type GracefulShutdown } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { createEngine, createHttpBridge, validateRouterConfig } from '@routekit/http';

// Behind a load balancer a replica must not close its port before the balancer has taken it out:
// after SIGTERM it fails /ready and keeps serving until requests stop coming (drainDelayMs at most).
describe('the drain before a replica stops', () => {
  let upstream: MockUpstream;
  beforeAll(async () => {
    upstream = await startMockUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  it('fails /ready and still answers requests, then stops once none has come for a second', async () => {
    let shutdown: GracefulShutdown | undefined;
    const config = validateRouterConfig({
      providers: [{ id: 'openai', kind: 'openai', baseUrl: upstream.url, apiKey: 'test' }],
      health: true,
      readiness: [{ name: 'shutdown', reason: 'shutting down', check: async () => { if (shutdown?.draining) throw new Error('shutting down'); } }],
    });
    const engine = createEngine(config);
    const bridge = createHttpBridge({ ...config, engine });
    const server = createServer((request, response) => void bridge.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const lines: string[] = [];
    shutdown = installGracefulShutdown({ servers: [server], engines: [engine], signals: [], drainDelayMs: 20_000, log: (line) => lines.push(line) });
    expect(await (await fetch(`${url}/ready`)).json()).toEqual({ status: 'ready' });

    const stopped = shutdown.shutdown('SIGTERM');
    expect(shutdown.draining).toBe(true);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'shutting down' });
    // Requests still in the balancer's pipe are answered, not refused.
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    for (let request = 0; request < 3; request += 1) {
      const answer = await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: `Still there ${request}?` }] });
      expect(answer.choices[0]!.message.content).toContain('Mock answer');
    }
    expect(lines.some((line) => line.includes('no new connections'))).toBe(false);
    // Probes alone do not count as traffic: the drain ends long before its 20 s bound.
    await fetch(`${url}/health`);
    expect(await stopped).toBe(true);
    expect(lines[0]).toMatch(/^routekit: SIGTERM: not ready; still serving/);
    expect(lines[1]).toMatch(/^routekit: SIGTERM: no new connections/);
    expect(lines.at(-1)).toBe('routekit: every request finished; receipts stored; bye.');
    await expect(fetch(`${url}/ready`)).rejects.toThrow();
    // Bounded well below drainDelayMs (20 s): the drain ended because requests stopped.
  }, 10_000);
});
