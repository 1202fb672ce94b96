import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisCounterStore, type CounterStore } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { startGateway, type RunningGateway } from './start-gateway.js';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
// Generous against the 250 ms store timeout (a busy CI machine stalls timers), yet far below the
// 10 to 30 s a client waited before the fix.
const boundMs = 2000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Our own throw-away redis-server: the shared one on 6379 is never stopped. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let failure: Error | undefined;
  child.once('error', (error) => (failure = error));
  for (let tries = 0; tries < 100; tries++) {
    if (failure !== undefined) throw new Error(`redis-server could not be started (${failure.message}); this test needs the redis-server binary`);
    const connected = await new Promise<boolean>((resolve) => {
      const probe = new Socket();
      probe.once('connect', () => (probe.destroy(), resolve(true)));
      probe.once('error', () => resolve(false));
      probe.connect(port, '127.0.0.1');
    });
    if (connected) return child;
    await sleep(50);
  }
  throw new Error('redis-server did not start');
}

async function ask(gateway: RunningGateway): Promise<{ status: number; code: string | undefined; retryAfter: string | null; waitedMs: number }> {
  const started = performance.now();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'What is the capital of France?' }], max_tokens: 20 }),
  });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code, retryAfter: response.headers.get('retry-after'), waitedMs: performance.now() - started };
}

describe('limits on a Redis that goes away', () => {
  let upstream: MockUpstream;
  const closers: Array<() => Promise<void> | void> = [];
  const consoleError = vi.spyOn(console, 'error');

  beforeAll(async () => {
    upstream = await startMockUpstream();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  afterAll(async () => {
    await upstream.close();
    consoleError.mockRestore();
  });

  async function gatewayOn(store: CounterStore, spendStoreFailure?: 'open'): Promise<RunningGateway> {
    const gateway = await startGateway('express', {
      providers: [{ id: 'openai', kind: 'openai', baseUrl: upstream.url }],
      store,
      rateLimits: { global: { requestsPerMinute: 10_000 } },
      spendLimits: { global: { limits: { daily_usd: 100 } }, ...(spendStoreFailure && { onStoreFailure: spendStoreFailure }) },
    });
    closers.push(() => gateway.close(), () => store.close());
    return gateway;
  }

  it('answers 503 store_unavailable with Retry-After within the timeout, logs the outage once, prints no stack, and recovers', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    closers.push(() => void redis.kill('SIGKILL'));
    const lines: string[] = [];
    const store = createRedisCounterStore({ url: `redis://127.0.0.1:${port}`, prefix: `outage-${randomUUID()}:`, timeoutMs: 250, log: (line) => lines.push(line) });
    const gateway = await gatewayOn(store);
    expect((await ask(gateway)).status).toBe(200);
    consoleError.mockClear();

    redis.kill('SIGKILL');
    await once(redis, 'exit');
    const answers = [];
    for (let index = 0; index < 6; index++) answers.push(await ask(gateway));
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, code: 'store_unavailable' });
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    console.info(`Redis killed: client waits ${answers.map((answer) => Math.round(answer.waitedMs)).join(', ')} ms`);
    expect(Math.max(...answers.map((answer) => answer.waitedMs))).toBeLessThan(boundMs);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/counter store on Redis is unavailable/);
    expect(lines[0]).not.toContain(String(port));
    expect(consoleError).not.toHaveBeenCalled();

    redis = await startRedis(port);
    let recovered = false;
    for (let tries = 0; tries < 100 && !recovered; tries++) {
      recovered = (await ask(gateway)).status === 200;
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/answers again/);
  });

  it('bounds the wait on a server that accepts connections and never answers, and fails open when told to', async () => {
    const sockets: Socket[] = [];
    const blackhole: Server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => (sockets.forEach((socket) => socket.destroy()), blackhole.close(() => resolve()))));
    const url = `redis://127.0.0.1:${(blackhole.address() as AddressInfo).port}`;
    const lines: string[] = [];
    const closed = await gatewayOn(createRedisCounterStore({ url, prefix: 'blackhole:', timeoutMs: 250, log: (line) => lines.push(line) }));
    const answers = [await ask(closed), await ask(closed), await ask(closed)];
    console.info(`Redis blackholed: client waits ${answers.map((answer) => Math.round(answer.waitedMs)).join(', ')} ms`);
    for (const answer of answers) expect(answer).toMatchObject({ status: 503, code: 'store_unavailable' });
    expect(Math.max(...answers.map((answer) => answer.waitedMs))).toBeLessThan(boundMs);
    expect(lines).toHaveLength(1);

    // Rate limits fail open by default; spend limits too when configured so: the request is answered.
    const open = await gatewayOn(createRedisCounterStore({ url, prefix: 'blackhole:', timeoutMs: 250, log: () => undefined }), 'open');
    const answer = await ask(open);
    expect(answer.status).toBe(200);
    expect(answer.waitedMs).toBeLessThan(boundMs);
  });
});
