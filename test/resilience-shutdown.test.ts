import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installGracefulShutdown } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { chat, chatStream, startResilienceGateway } from './resilience-gateway.js';

const messages = [{ role: 'user', content: 'hi' }];
const model = 'openai/gpt-4.1-mini';

describe('graceful shutdown', () => {
  let slow: MockUpstream;
  beforeAll(async () => {
    slow = await startMockUpstream({ tokensPerSecond: 40, reply: () => 'word '.repeat(20) });
  });
  afterAll(() => slow.close());

  it('stops accepting, lets the stream in flight finish with [DONE], and stores its receipt', async () => {
    const gateway = await startResilienceGateway([{ id: 'openai', kind: 'openai', baseUrl: slow.url }]);
    const lines: string[] = [];
    const shutdown = installGracefulShutdown({ servers: [gateway.server], engines: [gateway.engine], signals: [], timeoutMs: 10_000, log: (line) => lines.push(line), onDone: () => {} });
    const streaming = chatStream(gateway.url, { model, messages });
    for (let tries = 0; tries < 500 && shutdown.inFlight === 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(shutdown.inFlight).toBe(1);
    const finished = shutdown.shutdown('test');
    await expect(chat(gateway.url, { model, messages })).rejects.toThrow();
    const answer = await streaming;
    expect(answer.done).toBe(true);
    expect(answer.text.trim().split(' ')).toHaveLength(20);
    expect(await finished).toBe(true);
    expect((await gateway.engine.receipts.get(answer.requestId))?.status).toBe('ok');
    expect(lines.at(-1)).toContain('every request finished');
    shutdown.uninstall();
    await gateway.engine.close();
  });

  it('cuts what is still running at its deadline and says so', async () => {
    const gateway = await startResilienceGateway([{ id: 'openai', kind: 'openai', baseUrl: slow.url }]);
    const shutdown = installGracefulShutdown({ servers: [gateway.server], engines: [gateway.engine], signals: [], timeoutMs: 100, log: () => {}, onDone: () => {} });
    const streaming = chatStream(gateway.url, { model, messages }).catch(() => 'cut' as const);
    for (let tries = 0; tries < 500 && shutdown.inFlight === 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await shutdown.shutdown('test')).toBe(false);
    const answer = await streaming;
    expect(answer === 'cut' || answer.done === false).toBe(true);
    shutdown.uninstall();
  });

  it('`npm start` finishes a request in flight on SIGTERM and exits 0', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const repository = join(import.meta.dirname, '..');
    const environment: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
    for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY', 'TOGETHER_API_KEY', 'ROUTEKIT_LOCAL_BASE_URL', 'ROUTEKIT_LOCAL_MODELS']) delete environment[name];
    const child = spawn(process.execPath, ['--conditions=@routekit/source', '--import', 'tsx', join(repository, 'examples/gateway/src/main.ts')], { cwd: repository, env: environment });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    for (let tries = 0; tries < 600 && !output.includes('listening'); tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output).toContain('listening');
    const url = `http://127.0.0.1:${port}`;
    // SIGTERM once the stream's headers are in: the request is in flight, its answer still to come.
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages, stream: true }) });
    child.kill('SIGTERM');
    const text = await response.text();
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(await exited).toBe(0);
    expect(output).toContain('every request finished');
  }, 60_000);
});
