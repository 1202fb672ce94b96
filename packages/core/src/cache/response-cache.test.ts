import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../chat/chat-response.js';
import type { Receipt } from '../receipts/receipt.js';
import { cachedResponse, ResponseCache } from './response-cache.js';
import { createHashedEmbedder, type Embedder } from './hashed-embedder.js';
import { SemanticCache } from './semantic-cache.js';

const answer = (content: string) => ({ id: 'chatcmpl-1', object: 'chat.completion', created: 0, model: 'gpt-4.1-mini', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }) as unknown as ChatResponse;
const receipt = { status: 'ok', winner: 'openai/gpt-4.1-mini', cost_usd: 0.001 } as unknown as Receipt;
const question = 'What is the tallest mountain in the Alps and how high is it?';

function caches(): { cache: ResponseCache; semantic: SemanticCache<string> } {
  const semantic = new SemanticCache<string>();
  return { cache: new ResponseCache({ maxBytes: 1 << 20, ttlMs: 60_000, maxEntriesPerTenant: 100, semantic }), semantic };
}

describe('ResponseCache semantic inserts after the answer', () => {
  it('keeps the exact entry at once and indexes the prompt on the next turn of the event loop', async () => {
    const { cache, semantic } = caches();
    cache.store('tenant', 'key-1', { context: 'context', prompt: question }, answer('Mont Blanc, 4,806 m.'), receipt);
    expect(cache.getExact('tenant', 'key-1')).toBeDefined();
    expect(semantic.index('tenant\u0000context')).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(semantic.index('tenant\u0000context')?.size).toBe(1);
  });

  it('indexes what is waiting before a lookup, so a question asked right after its answer was stored still hits', () => {
    const { cache } = caches();
    cache.store('tenant', 'key-1', { context: 'context', prompt: question }, answer('Mont Blanc, 4,806 m.'), receipt);
    const similar = cache.findSimilar('tenant', { context: 'context', prompt: 'what is the tallest mountain in the Alps, and how high is it' });
    expect(similar).toMatchObject({ answer: { key: 'tenant\u0000key-1' } });
  });

  it('never indexes an entry that was evicted before its insert ran', async () => {
    const { cache, semantic } = caches();
    const stored = cache.store('tenant', 'key-1', { context: 'context', prompt: question }, answer('Mont Blanc, 4,806 m.'), receipt);
    cache.evict(stored);
    await new Promise((resolve) => setImmediate(resolve));
    expect(semantic.index('tenant\u0000context')).toBeUndefined();
    expect(cache.findSimilar('tenant', { context: 'context', prompt: question })).toBeNull();
  });
});

describe('ResponseCache and the original receipt', () => {
  it('lets go of a finished receipt once the entry is indexed, keeping the model and cost a hit reports', async () => {
    const { cache } = caches();
    const finished = { ...receipt, duration_ms: 12 } as Receipt;
    const stored = cache.store('tenant', 'key-1', { context: 'context', prompt: question }, answer('Mont Blanc, 4,806 m.'), finished);
    expect(stored.origin).toBe(finished);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stored.origin).toBeNull();
    expect(stored).toMatchObject({ model: 'openai/gpt-4.1-mini', costUsd: 0.001 });
  });

  it('keeps a receipt the engine has not finished yet, and drops the entry of a request that failed', async () => {
    const { cache } = caches();
    const running = { ...receipt } as Receipt;
    const kept = cache.store('tenant', 'key-1', { context: 'context', prompt: question }, answer('Mont Blanc, 4,806 m.'), running);
    const failed = cache.store('tenant', 'key-2', null, answer('partial'), { ...receipt, status: 'error', duration_ms: 3 } as Receipt);
    await new Promise((resolve) => setImmediate(resolve));
    expect(kept.origin).toBe(running);
    expect(cache.getExact('tenant', 'key-1')).toBe(kept);
    expect(failed.origin).toBeNull();
    expect(cache.getExact('tenant', 'key-2')).toBeUndefined();
  });
});

describe('ResponseCache prompt analysis', () => {
  it('embeds a prompt once for the lookup and the store that follows it with the same semantic key, other lookups in between', () => {
    const hashed = createHashedEmbedder();
    const embedded: string[] = [];
    const embedder: Embedder = { dimensions: hashed.dimensions, similarity: hashed.similarity, embed: (text) => (embedded.push(text), hashed.embed(text)) };
    const semantic = new SemanticCache<string>({ embedder });
    const cache = new ResponseCache({ maxBytes: 1 << 20, ttlMs: 60_000, maxEntriesPerTenant: 100, semantic });
    cache.store('tenant', 'key-0', { context: 'context', prompt: 'Where is Lake Baikal?' }, answer('In Siberia.'), receipt);
    cache.flush();
    const asked = { context: 'context', prompt: question };
    cache.findSimilar('tenant', asked);
    for (const other of ['How deep is Lake Baikal?', 'How old is Lake Baikal?']) cache.findSimilar('tenant', { context: 'context', prompt: other });
    cache.store('tenant', 'key-1', asked, answer('Mont Blanc, 4,806 m.'), receipt);
    cache.flush();
    expect(embedded.filter((text) => text === question)).toHaveLength(1);
    expect(cache.findSimilar('tenant', { context: 'context', prompt: question })).toMatchObject({ answer: { key: 'tenant\u0000key-1' } });
  });
});

describe('ResponseCache answers', () => {
  it('keeps its own copy: a response changed after it was stored is served as it was stored, and each read is a fresh object', () => {
    const { cache } = caches();
    const response = answer('Mont Blanc, 4,806 m.');
    const stored = cache.store('tenant', 'key-1', null, response, receipt);
    response.choices[0]!.message.content = 'changed by a later middleware';
    const first = cachedResponse(cache.getExact('tenant', 'key-1')!);
    expect(first.choices[0]!.message.content).toBe('Mont Blanc, 4,806 m.');
    first.choices[0]!.message.content = 'changed by the caller';
    expect(cachedResponse(stored).choices[0]!.message.content).toBe('Mont Blanc, 4,806 m.');
  });
});
