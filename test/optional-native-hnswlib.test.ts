import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// hnswlib-node is a native addon whose build can be missing on a user's machine. A resolve hook
// (Node's synchronous module hooks, which cover both `import` and `require`) makes it unavailable in
// a child process, which then imports the adapters and uses the cache past the graph threshold.
const hookDirectory = mkdtempSync(join(tmpdir(), 'routekit-no-hnswlib-'));
const hookFile = join(hookDirectory, 'block-hnswlib.mjs');
writeFileSync(
  hookFile,
  `import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, next) {
    if (specifier === 'hnswlib-node') throw Object.assign(new Error("Cannot find module 'hnswlib-node' (blocked by the test)"), { code: 'MODULE_NOT_FOUND' });
    return next(specifier, context);
  },
});
`,
);

function runWithoutHnswlib(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--conditions=@routekit/source', '--import', 'tsx', '--import', pathToFileURL(hookFile).href, '--input-type=module', '-e', script], {
    cwd: join(import.meta.dirname, '..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('routekit without the native hnswlib build', () => {
  it('the hook really makes hnswlib-node unavailable (to import and to require)', () => {
    const result = runWithoutHnswlib(`
      const results = [];
      try { await import('hnswlib-node'); results.push('imported'); } catch { results.push('import failed'); }
      try { (await import('node:module')).createRequire(import.meta.url)('hnswlib-node'); results.push('required'); } catch { results.push('require failed'); }
      console.log(results.join(','));
    `);
    expect(result.stdout.trim()).toBe('import failed,require failed');
  });

  it('imports @routekit/express, @routekit/koa and @routekit/core', () => {
    const result = runWithoutHnswlib(`
      const express = await import('@routekit/express');
      const koa = await import('@routekit/koa');
      const core = await import('@routekit/core');
      console.log(typeof express.routerMiddleware, typeof koa.routerMiddleware, typeof core.createSemanticCache);
    `);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('function function function');
  });

  it('keeps answering from the exact linear scan when a scope outgrows the graph threshold', () => {
    const result = runWithoutHnswlib(`
      const { createSemanticCache } = await import('@routekit/core');
      const cache = createSemanticCache({ bruteForceLimit: 5 });
      const cities = ['Paris', 'Berlin', 'Madrid', 'Rome', 'Vienna', 'Lisbon', 'Oslo', 'Dublin', 'Prague', 'Warsaw'];
      for (const [index, city] of cities.entries()) cache.store('scope', 'How many people live in ' + city + ' today?', index);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const match = cache.lookup('scope', 'How many people live in Oslo today?');
      console.log(JSON.stringify({ graph: cache.index('scope').usesGraph, hit: match?.hit, value: match?.value }));
    `);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ graph: false, hit: true, value: 6 });
  });
});
