import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm start` serves the HTTP bridge on node:http directly, with no web framework in the process.
describe('the example gateway (`npm start`) on node:http', () => {
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const repository = join(import.meta.dirname, '..');
    const environment: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
    for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY', 'TOGETHER_API_KEY', 'ROUTEKIT_LOCAL_BASE_URL', 'ROUTEKIT_LOCAL_MODELS', 'ROUTEKIT_ADMIN_KEY']) delete environment[name];
    child = spawn(process.execPath, ['--conditions=@routekit/source', '--import', 'tsx', join(repository, 'examples/gateway/src/main.ts')], { cwd: repository, env: environment });
    let output = '';
    child.stdout!.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
    for (let tries = 0; tries < 600 && !output.includes('listening'); tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output).toContain('listening');
    url = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  it('answers chat completions through the openai client, says what it serves at /, and answers an unknown path with a JSON 404', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused' });
    const completion = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Say hello.' }] });
    expect(completion.choices[0]?.message.content).toBeTruthy();

    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/plain');
    expect(await index.text()).toMatch(/^routekit gateway: POST \/v1\/chat\/completions/);

    const unknown = await fetch(`${url}/nowhere`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { message: 'Unknown route.', type: 'not_found_error', code: 'route_not_found', param: null } });
  });
});
