import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedRouterFiles } from '@routekit/core';
import { openSqliteDatabase } from '@routekit/operations';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { readConfigFile } from './read-config-file.js';

const repository = join(import.meta.dirname, '..', '..', '..', '..');
const main = join(import.meta.dirname, '..', 'main.ts');

/** `routekit serve` as a child process; resolves once it says where it listens. */
function startServe(args: string[], environment: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=@routekit/source', '--import', 'tsx', main, 'serve', ...args], { cwd: repository, env: { ...process.env, ...environment } });
  let stderr = '';
  const address = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /gateway on http:\/\/([^/]+)\/v1/.exec(stderr);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  // A test that expects the process to fail does not wait for an address.
  address.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, address, exited, stderr: () => stderr };
}

describe('routekit serve --config', () => {
  let mock: MockUpstream;
  let directory: string;
  beforeAll(async () => {
    mock = await startMockUpstream();
    directory = await mkdtemp(join(tmpdir(), 'routekit-serve-'));
  });
  afterAll(() => mock.close());

  it('serves a YAML config with secrets from the environment, its dashboard and health, and keeps receipts on shutdown', async () => {
    const database = join(directory, 'receipts.db');
    await writeFile(join(directory, 'routekit.yaml'), [
      'providers:',
      '  - { id: openai, kind: openai, baseUrl: "${MOCK_URL}", apiKey: "${TEST_PROVIDER_KEY}" }',
      'defaultModel: openai/gpt-4.1',
      `database: ${database}`,
      'cache: { similarity_threshold: 0.97 }',
      'logger: false',
    ].join('\n'));
    const router = join(directory, 'mine.router.json');
    await writeFile(router, JSON.stringify({ ...(shippedRouterFiles.lr as object), name: 'mine' }));
    const serve = startServe(['--config', join(directory, 'routekit.yaml'), '--port', '0', '--router', router], { MOCK_URL: mock.url, TEST_PROVIDER_KEY: 'sk-test-from-env', ROUTEKIT_ADMIN_KEY: '' });
    const address = await serve.address;
    const trained = await fetch(`http://${address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'router-mine-0', messages: [{ role: 'user', content: 'Hi' }] }) });
    expect(((await trained.json()) as { 'x-routekit': { strategy: string } })['x-routekit'].strategy).toBe('router-mine-0');
    const answer = await fetch(`http://${address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hello!' }] }) });
    expect(answer.status).toBe(200);
    const { id } = (await answer.json()) as { id: string };
    expect(mock.requests.at(-1)!.headers.authorization).toBe('Bearer sk-test-from-env');
    expect((await fetch(`http://${address}/health`)).status).toBe(200);
    expect((await fetch(`http://${address}/dashboard`)).headers.get('content-type')).toMatch(/html/);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    const stored = await openSqliteDatabase({ path: database }).query<{ request_id: string }>('SELECT request_id FROM routekit_receipts');
    expect(stored.map((row) => row.request_id)).toContain(id);
    expect(serve.stderr()).not.toContain('sk-test-from-env');
  }, 60_000);

  it('names a misspelled key of the file and exits without a stack', async () => {
    await writeFile(join(directory, 'bad.json'), JSON.stringify({ providers: [{ id: 'openai', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1' }], cache: { similarityTreshold: 0.9 } }));
    const serve = startServe(['--config', join(directory, 'bad.json'), '--port', '0'], {});
    const code = await serve.exited;
    expect(code).not.toBe(0);
    expect(serve.stderr()).toMatch(/cache\.similarityTreshold is not an option; did you mean similarityThreshold\?/);
    expect(serve.stderr()).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('readConfigFile', () => {
  it('interpolates ${NAME} and ${NAME:-default}, and names the key whose variable is not set', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'routekit-config-'));
    const path = join(directory, 'config.json');
    await writeFile(path, JSON.stringify({ defaultModel: '${MODEL:-openai/gpt-4.1}', providers: [{ apiKey: 'Bearer-${KEY}' }] }));
    expect(await readConfigFile(path, { KEY: 'secret' })).toEqual({ defaultModel: 'openai/gpt-4.1', providers: [{ apiKey: 'Bearer-secret' }] });
    await expect(readConfigFile(path, {})).rejects.toThrow(/providers\[0\]\.apiKey uses \$\{KEY\}, which is not set/);
    await writeFile(path, '{ "cache": true, ');
    await expect(readConfigFile(path, {})).rejects.toThrow(/not valid JSON/);
    await writeFile(join(directory, 'secret.yaml'), 'apiKey: sk-live-secret\n  bad: [');
    await expect(readConfigFile(join(directory, 'secret.yaml'), {})).rejects.toThrow(/not valid YAML \(line \d+\)$/);
  });
});

describe('routekit serve with webhooks', () => {
  it('sends a signed service.status event when a model\'s circuit opens', async () => {
    const { createServer } = await import('node:http');
    const { verifyWebhookSignature } = await import('@routekit/operations');
    const received: Array<{ body: string; signature: string }> = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ body, signature: String(request.headers['x-routekit-signature']) });
        response.writeHead(200).end();
      });
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => receiver.once('listening', resolve));
    const port = (receiver.address() as { port: number }).port;
    const mock = await startMockUpstream({ failures: { 'gpt-4.1-mini': { type: 'status', status: 503 } } });
    const directory = await mkdtemp(join(tmpdir(), 'routekit-serve-hooks-'));
    const secret = 'a-webhook-secret-of-some-length';
    await writeFile(join(directory, 'config.json'), JSON.stringify({
      providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }],
      database: join(directory, 'db.sqlite'),
      logger: false,
      resilience: { attempts: { retries: 0 }, circuitBreaker: { minimumCalls: 2, failureRateThreshold: 0.5, openMs: 60_000 } },
      webhooks: [{ id: 'ops', url: `http://127.0.0.1:${port}/hooks`, secret, events: ['service.status'] }],
    }));
    const serve = startServe(['--config', join(directory, 'config.json'), '--port', '0'], { ROUTEKIT_ADMIN_KEY: '' });
    try {
      const address = await serve.address;
      for (let index = 0; index < 4; index++) {
        await fetch(`http://${address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }) });
      }
      for (let wait = 0; wait < 50 && received.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received.length).toBeGreaterThan(0);
      const event = JSON.parse(received[0]!.body);
      expect(event.type).toBe('service.status');
      expect(event.data).toMatchObject({ to: 'open' });
      expect(verifyWebhookSignature({ secret, body: received[0]!.body, header: received[0]!.signature })).toBe(true);
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
      receiver.close();
      await mock.close();
    }
  }, 60_000);
});

describe('routekit serve in demo mode', () => {
  it('stops on SIGTERM as it says, with exit code 0', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'routekit-serve-demo-'));
    const noProviders = Object.fromEntries(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY', 'TOGETHER_API_KEY', 'ROUTEKIT_LOCAL_BASE_URL', 'ROUTEKIT_ADMIN_KEY', 'ROUTEKIT_DATABASE_URL', 'ROUTEKIT_WEBHOOK_URL'].map((name) => [name, '']));
    const serve = startServe(['--port', '0'], { ...noProviders, ROUTEKIT_DATABASE: join(directory, 'demo.db'), ROUTEKIT_LOG_LEVEL: 'error' });
    const address = await serve.address;
    expect(serve.stderr()).toMatch(/DEMO MODE/);
    expect((await fetch(`http://${address}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }) })).status).toBe(200);
    serve.child.kill('SIGTERM');
    // Bounded: a process that stays up is killed and the test fails on its exit code.
    const timer = setTimeout(() => serve.child.kill('SIGKILL'), 20_000);
    const code = await serve.exited;
    clearTimeout(timer);
    expect(code).toBe(0);
  }, 60_000);
});
