import { afterAll, describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { Engine } from '../pipeline/engine.js';
import type { ModelCall } from '../pipeline/engine-middleware.js';
import { createRedisKeyValueStore } from '../stores/redis-key-value-store.js';
import type { KeyValueStore } from '../stores/key-value-store.js';
import { createCacheMiddleware } from './cache-middleware.js';
import { answer, collectText } from './cache-test-helpers.js';

// Two engines (two gateway instances) share the exact cache through the shared Redis on
// 127.0.0.1:6379, under a prefix of this run's own; entries expire after a minute (never a flush).
const prefix = `routekit-test:${process.pid}-${Date.now().toString(36)}`;
const usage = { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 };

describe('the exact cache shared through Redis', () => {
  const stores: KeyValueStore[] = [];
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it('a second instance answers what the first cached, per tenant, without an upstream call', async () => {
    const calls: string[] = [];
    const instance = (name: string) => {
      const store = createRedisKeyValueStore({ url: process.env.ROUTEKIT_TEST_REDIS ?? 'redis://127.0.0.1:6379' });
      stores.push(store);
      const call: ModelCall = async (attempt) => {
        calls.push(name);
        return { type: 'response', response: { ...answer('Paris.'), model: attempt.request.model, usage } };
      };
      return new Engine({ call, catalog: new ModelCatalog({ providers: ['openai'] }), middleware: [createCacheMiddleware({ shared: store, sharedPrefix: prefix, ttlSeconds: 60 })] });
    };
    const [first, second] = [instance('first'), instance('second')];
    const request = { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'What is the capital of France?' }] };
    const original = first.createExchange({ request, tenant: 'acme' });
    await first.run(original);
    // The entry is written once the receipt is final (a timer turn later).
    await new Promise((resolve) => setTimeout(resolve, 50));

    const replayed = second.createExchange({ request: { ...request, stream: true }, tenant: 'acme' });
    const { text } = await collectText(await second.run(replayed));
    expect(text).toBe('Paris.');
    expect(calls).toEqual(['first']);
    expect(replayed.receipt).toMatchObject({ strategy: 'cache', winner: 'openai/gpt-4.1-mini', cache: { status: 'hit', kind: 'exact', saved_usd: original.receipt.cost_usd } });

    // Another tenant, or a different request, is not answered from the shared entry.
    await second.run(second.createExchange({ request, tenant: 'globex' }));
    await second.run(second.createExchange({ request: { ...request, messages: [{ role: 'user', content: 'What is the capital of Spain?' }] }, tenant: 'acme' }));
    expect(calls).toEqual(['first', 'second', 'second']);
  });

  it('an unreachable shared store is a miss, not a failure', async () => {
    const store = createRedisKeyValueStore({ url: 'redis://127.0.0.1:1', timeoutMs: 200 });
    stores.push(store);
    let calls = 0;
    const call: ModelCall = async (attempt) => {
      calls += 1;
      return { type: 'response', response: { ...answer('Paris.'), model: attempt.request.model, usage } };
    };
    const engine = new Engine({ call, catalog: new ModelCatalog({ providers: ['openai'] }), middleware: [createCacheMiddleware({ shared: store, sharedPrefix: prefix })] });
    const request = { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'Hello there, who are you?' }] };
    const exchange = engine.createExchange({ request, tenant: 'acme' });
    await engine.run(exchange);
    expect(calls).toBe(1);
    expect(exchange.receipt.status).toBe('ok');
  });
});
