import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDatabase, shippedRouterFiles } from '@routekit/core';
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
