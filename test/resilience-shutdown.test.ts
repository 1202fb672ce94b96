import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryCounterStore, installGracefulShutdown, ModelCatalog, promptTokenBound, textTokenBound, windowOf, type ChatRequest } from '@routekit/core';
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

  it('at its deadline ends every open stream with the error event and stores every receipt, with its usage and its spend settled', async () => {
    // 200 words at 20 a second: 10 s per answer, far past the 500 ms drain deadline.
    const endless = await startMockUpstream({ tokensPerSecond: 20, reply: () => 'word '.repeat(200) });
    const store = createMemoryCounterStore();
    const now = () => Date.UTC(2026, 10, 22, 12, 0, 30);
    const gateway = await startResilienceGateway([{ id: 'openai', kind: 'openai', baseUrl: endless.url }], { store, spendLimits: { global: { limits: { daily_usd: 100 } }, now } });
    const lines: string[] = [];
    const shutdown = installGracefulShutdown({ servers: [gateway.server], engines: [gateway.engine], signals: [], timeoutMs: 500, log: (line) => lines.push(line), onDone: () => {} });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const request = { model, messages: [{ role: 'user' as const, content: 'Tell me a long story.' }], max_tokens: 1000 };
    const ids: string[] = [];
    const clients = Array.from({ length: 60 }, async () => {
      const contents: string[] = [];
      let id = '';
      try {
        const stream = await client.chat.completions.create({ ...request, stream: true });
        for await (const chunk of stream) {
          id = chunk.id;
          if (contents.length === 0) ids.push(chunk.id);
          contents.push(chunk.choices[0]?.delta.content ?? '');
        }
        return { id, contents, error: undefined };
      } catch (error) {
        return { id, contents, error };
      }
    });
    for (let tries = 0; tries < 1000 && ids.length < 60; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(ids).toHaveLength(60);

    expect(await shutdown.shutdown('test')).toBe(false);
    // What a process that exits now has stored and settled.
    const receipts = await Promise.all(ids.map((id) => gateway.engine.receipts.get(id)));
    const spent = await store.get(`spend:global:*:daily_usd:${windowOf('day', now()).id}`);
    const answers = await Promise.all(clients);
    const stored = receipts.filter((receipt) => receipt !== undefined);
    console.info(`shutdown with 60 open streams: ${answers.filter((answer) => answer.error instanceof APIError).length} clients saw the error event, ${stored.length} receipts stored (${stored.filter((receipt) => receipt.tokens.completion > 0).length} with usage), spend counter ${spent} µ$`);
    // Every client's SDK raised the gateway's error event: a cut answer never looks complete.
    for (const answer of answers) {
      expect(answer.error).toBeInstanceOf(APIError);
      expect(answer.error).toMatchObject({ code: 'server_shutting_down' });
    }
    // Every receipt was stored before the shutdown resolved, with the tokens streamed so far.
    expect(stored).toHaveLength(60);
    for (const receipt of receipts) {
      expect(receipt).toMatchObject({ status: 'error', error: { code: 'server_shutting_down' }, winner: model });
      expect(receipt!.tokens.completion).toBeGreaterThan(0);
    }
    // The spend counter holds what the streams used, not the reservations of their 1,000-token caps.
    const gpt = new ModelCatalog({ providers: ['openai'] }).resolve(model);
    const promptBound = promptTokenBound({ ...request, max_tokens: 1000 } as ChatRequest);
    const used = answers.reduce((sum, answer) => {
      const outputTokens = answer.contents.reduce((tokens, content) => tokens + textTokenBound(content), 0);
      return sum + Math.ceil(promptBound * gpt.inputPricePerMillion + outputTokens * gpt.outputPricePerMillion);
    }, 0);
    expect(spent).toBe(used);
    expect(lines.at(-1)).toMatch(/60 .*cut/);
    shutdown.uninstall();
    await endless.close();
  }, 30_000);

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
