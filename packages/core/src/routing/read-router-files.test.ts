import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatencyTracker } from '../catalog/latency-tracker.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { ConfigurationError } from '../errors.js';
import { readRouterFiles } from './read-router-files.js';
import { Router } from './router.js';
import strongWeak from './routers/strong-weak.router.json' with { type: 'json' };

describe('readRouterFiles', () => {
  it('loads a trained router file so router-<its name>-<t> routes with it', () => {
    const directory = mkdtempSync(join(tmpdir(), 'routekit-router-'));
    const path = join(directory, 'mine.router.json');
    writeFileSync(path, JSON.stringify({ ...strongWeak, name: 'mine' }));
    const router = new Router({ catalog: new ModelCatalog({ providers: ['openai'] }), latency: new LatencyTracker(), scorers: readRouterFiles([path]) });
    expect(router.scorerNames()).toContain('mine');
    expect(router.decide({ model: 'router-mine-0', messages: [{ role: 'user', content: 'hi' }] }).strategy).toBe('router-mine-0');
  });

  it('names the option and the file when it is missing or not a router', () => {
    expect(() => readRouterFiles(['/nonexistent/x.router.json'])).toThrow(ConfigurationError);
    expect(() => readRouterFiles(['/nonexistent/x.router.json'])).toThrow(/routers\[0\].*no such file/);
    expect(() => readRouterFiles([{ name: 'broken' } as never], 'router')).toThrow(/router\[0\]/);
  });
});
