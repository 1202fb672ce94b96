import { describe, expect, it } from 'vitest';
import { createCacheMiddleware } from './cache-middleware.js';
import { answer, collectText, question, runThrough } from './cache-test-helpers.js';

describe('cache tenant isolation', () => {
  it('serves zero cross-tenant hits with 2 tenants x 500 concurrent requests on the same questions', async () => {
    const cache = createCacheMiddleware();
    const questions = Array.from({ length: 50 }, (_, index) => `What is the opening time of store number ${index} on Sundays?`);
    const requests = ['tenant-a', 'tenant-b'].flatMap((tenant) => Array.from({ length: 500 }, (_, index) => ({ tenant, prompt: questions[index % 50]! })));
    const runs = await Promise.all(
      requests.map(async ({ tenant, prompt }, index) => {
        // Half the requests wait a turn, so lookups interleave with stores of both tenants.
        if (index % 2 === 0) await new Promise((resolve) => setImmediate(resolve));
        const run = await runThrough(cache, { tenant, request: question(index % 3 === 0 ? prompt.toLowerCase() : prompt) }, () => ({ type: 'response', response: answer(`${tenant}: ${prompt}`) }));
        return { tenant, status: run.exchange.receipt.cache!.status, text: (await collectText(run.result)).text };
      }),
    );
    const hits = runs.filter((run) => run.status === 'hit');
    expect(hits.length).toBeGreaterThan(300);
    expect(hits.some((run) => run.tenant === 'tenant-b')).toBe(true);
    expect(runs.filter((run) => !run.text.startsWith(`${run.tenant}:`))).toEqual([]);
  });
});
