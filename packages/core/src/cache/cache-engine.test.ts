import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { Engine } from '../pipeline/engine.js';
import type { ModelCall } from '../pipeline/engine-middleware.js';
import { createCacheMiddleware } from './cache-middleware.js';
import { answer, chunksOf, collectText } from './cache-test-helpers.js';

const usage = { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 };

describe('cache middleware inside the Engine', () => {
  it('stores after the engine finalised the cost, then answers without routing or an upstream call', async () => {
    let calls = 0;
    const call: ModelCall = async (attempt) => {
      calls += 1;
      return { type: 'response', response: { ...answer('Paris.'), model: attempt.request.model, usage } };
    };
    const engine = new Engine({ call, catalog: new ModelCatalog({ providers: ['openai'] }), middleware: [createCacheMiddleware()] });
    const request = { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'What is the capital of France?' }] };
    const first = engine.createExchange({ request, tenant: 'acme' });
    await engine.run(first);
    expect(first.receipt.cost_usd).toBeGreaterThan(0);

    const second = engine.createExchange({ request: { ...request, messages: [{ role: 'user', content: 'what is the capital of france' }], stream: true }, tenant: 'acme' });
    const { text, chunks } = await collectText(await engine.run(second));
    expect(calls).toBe(1);
    expect(text).toBe('Paris.');
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(second.receipt).toMatchObject({ strategy: 'cache', winner: 'openai/gpt-4.1-mini', cache: { status: 'hit', kind: 'semantic', saved_usd: first.receipt.cost_usd } });
    expect(second.receipt.attempts).toEqual([]);

    const otherTenant = engine.createExchange({ request, tenant: 'globex' });
    await engine.run(otherTenant);
    expect(calls).toBe(2);
  });

  it('stores a streamed answer once the engine has seen the stream end', async () => {
    let calls = 0;
    const call: ModelCall = async () => {
      calls += 1;
      return { type: 'stream', stream: chunksOf('Blue light scatters more') };
    };
    const engine = new Engine({ call, catalog: new ModelCatalog({ providers: ['openai'] }), middleware: [createCacheMiddleware()] });
    const request = { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'Why is the sky blue?' }], stream: true };
    const first = engine.createExchange({ request });
    await collectText(await engine.run(first));
    const second = engine.createExchange({ request: { ...request, stream: false } });
    const { text } = await collectText(await engine.run(second));
    expect(calls).toBe(1);
    expect(text).toBe('Blue light scatters more ');
    expect(second.receipt.cache).toMatchObject({ status: 'hit', kind: 'exact', saved_usd: first.receipt.cost_usd });
  });
});
