import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm start` on a port something else holds: the example gateway must exit non-zero with one line,
// not print "listening" and hang (the demo mode's mock upstream would keep the process alive).
const repository = join(import.meta.dirname, '..');
const providerVariables = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY', 'TOGETHER_API_KEY', 'ROUTEKIT_LOCAL_BASE_URL', 'ROUTEKIT_LOCAL_MODELS'];

describe('the example gateway on a port that is taken', { timeout: 120_000 }, () => {
  let blocker: Server;
  let port: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  function startGateway(portVariable: string) {
    const environment: NodeJS.ProcessEnv = { ...process.env, PORT: portVariable, HOST: '127.0.0.1' };
    for (const name of providerVariables) delete environment[name];
    return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--conditions=@routekit/source', '--import', 'tsx', join(repository, 'examples/gateway/src/main.ts')], { cwd: repository, env: environment, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, signal: error?.signal ?? null, stdout, stderr }),
      );
    });
  }

  it('exits 1 with one line naming the address, and never says it is listening', async () => {
    const outcome = await startGateway(String(port));
    expect(outcome.signal).toBeNull(); // it ended by itself, not by the timeout
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).not.toContain('gateway listening');
    // Demo mode announces itself first; the failure is one line of its own, the last.
    expect(outcome.stderr).not.toMatch(/^\s+at /m);
    expect(outcome.stderr.trimEnd().split('\n').at(-1)).toBe(`routekit: 127.0.0.1:${port} is already in use (another gateway or app is listening there); stop it or set PORT=<another port>`);
  });

  it('exits 2 with one line on a PORT that is not a port number, instead of a stack', async () => {
    const outcome = await startGateway('eighty');
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('routekit: PORT must be a port number (0-65535), got "eighty"\n');
  });
});
