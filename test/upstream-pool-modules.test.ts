import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The upstream pool loads undici's dispatcher only. undici's index also loads its fetch, WebSocket
// and cookies, whose set-up reads the global `Headers` and `ReadableStream`, which makes Node load its
// own bundled undici as well: twice the start-up CPU and 15 MB more resident memory per gateway.
// In a child process of plain Node on the built core (\`npm test\` builds first), since vitest and tsx
// load Node's bundled undici themselves.
describe('the upstream pool', () => {
  it('loads neither undici\'s fetch nor Node\'s bundled undici, and still calls a server', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        import { createRequire } from 'node:module';
        // Through require: an ESM import of node:http loads Node's bundled undici itself.
        const { createServer } = createRequire(import.meta.url)('node:http');
        const { createUpstreamPool, sendUpstreamRequest, upstreamTarget } = await import('./packages/core/dist/upstream/upstream-http.js');
        const loaded = () => ({
          nodeUndici: process.moduleLoadList.some((name) => name.includes('internal/deps/undici')),
          undiciFetch: Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('/undici/lib/web/fetch/')),
        });
        const before = loaded();
        const server = createServer((request, response) => response.end('{"ok":true}')).listen(0, '127.0.0.1');
        await new Promise((resolve) => server.once('listening', resolve));
        const pool = createUpstreamPool();
        const target = upstreamTarget('http://127.0.0.1:' + server.address().port + '/v1/chat/completions');
        const response = await sendUpstreamRequest({ target, headers: { 'content-type': 'application/json' }, body: '{}', pool, timeoutMs: 5000, idleTimeoutMs: 5000, signal: new AbortController().signal });
        const text = await response.text();
        console.log(JSON.stringify({ before, after: loaded(), status: response.status, text }));
        await pool.close();
        server.close();
        `,
      ],
      { cwd: join(import.meta.dirname, '..'), encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      before: { nodeUndici: false, undiciFetch: false },
      after: { nodeUndici: false, undiciFetch: false },
      status: 200,
      text: '{"ok":true}',
    });
  });
});
