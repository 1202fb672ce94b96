import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../chat/chat-response.js';
import type { Receipt } from '../receipts/receipt.js';
import { ResponseCache } from './response-cache.js';
import { createSemanticCache, SemanticCache } from './semantic-cache.js';

// The gateway benchmark's prompt: 2,000 characters that differ only in the number at the end
// (exact similarity 0.995 to 0.998 between any two of them).
const base = 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000);
const numbered = (number: number) => `${base} (${number})`;
const reworded = (number: number) => numbered(number).toLowerCase().replaceAll('.', '');

describe('SemanticCache groups near-identical prompts under one point', () => {
  it('gives prompts that differ only in a number one point, answers each with its own value and none with another', () => {
    const cache = createSemanticCache<number>();
    cache.store('scope', numbered(1), 1);
    for (let number = 2; number <= 40; number++) {
      expect(cache.lookup('scope', numbered(number))).toMatchObject({ hit: false, rejected: 'numbers' });
      cache.store('scope', numbered(number), number);
    }
    expect(cache.lookup('scope', numbered(1))).toMatchObject({ hit: true, value: 1 });
    expect(cache.index('scope')!.size).toBe(1);
    expect(cache.entries('scope')).toBe(40);
    for (let number = 1; number <= 40; number++) expect(cache.lookup('scope', reworded(number))).toMatchObject({ hit: true, value: number, evidence: 'similarity' });
    expect(cache.lookup('scope', numbered(41))).toMatchObject({ hit: false, rejected: 'numbers' });
  });

  it('keeps prompts that differ in other words apart, and never lets a group member with the same numbers answer another name', () => {
    const cache = createSemanticCache<string>();
    const forReader = (name: string) => `${base} (7) Written for ${name}.`;
    for (const name of ['Alice', 'Bruno', 'Chiara']) cache.store('scope', forReader(name), name);
    cache.store('scope', 'What is the capital of France?', 'paris');
    expect(cache.index('scope')!.size).toBe(2);
    for (const name of ['Alice', 'Bruno', 'Chiara']) expect(cache.lookup('scope', forReader(name).toLowerCase())).toMatchObject({ hit: true, value: name });
    expect(cache.lookup('scope', forReader('Dmitri'))).toMatchObject({ hit: false, rejected: 'names' });
    expect(cache.lookup('scope', 'What is the capital of Spain?')?.hit ?? false).toBe(false);
  });

  it('starts another point once eight prompts with the same numbers share one, and still finds each', () => {
    const cache = createSemanticCache<number>();
    for (let copy = 0; copy < 20; copy++) cache.store('scope', numbered(5), copy);
    expect(cache.index('scope')!.size).toBe(3);
    expect(cache.lookup('scope', reworded(5))).toMatchObject({ hit: true });
    const unguarded = createSemanticCache<number>({ guard: false });
    for (let number = 1; number <= 20; number++) unguarded.store('scope', numbered(number), number);
    expect(unguarded.index('scope')!.size).toBe(3); // without the guard every prompt is filed under one key
  });

  it("forgets one member of a group, the point's own prompt included, and the point with the last one", () => {
    const cache = createSemanticCache<number>();
    const handles = [1, 2, 3].map((number) => cache.store('scope', numbered(number), number));
    cache.remove(handles[0]!);
    expect(cache.lookup('scope', reworded(1))).toMatchObject({ hit: false, rejected: 'numbers' });
    expect(cache.lookup('scope', reworded(2))).toMatchObject({ hit: true, value: 2 });
    expect(cache.index('scope')!.size).toBe(1);
    cache.remove(handles[0]!); // twice: nothing more happens
    expect(cache.entries('scope')).toBe(2);
    cache.remove(handles[1]!);
    cache.remove(handles[2]!);
    expect(cache.index('scope')).toBeUndefined();
    expect(cache.lookup('scope', reworded(3))).toBeNull();
  });

  it('never files a prompt into a group that emptied between its lookup and its store', () => {
    const cache = createSemanticCache<number>();
    cache.store('scope', 'What is the capital of France?', 10);
    const first = cache.store('scope', numbered(1), 1);
    expect(cache.lookup('scope', numbered(2))).toMatchObject({ hit: false, rejected: 'numbers' });
    cache.remove(first); // the group the lookup found is gone
    cache.store('scope', 'Who wrote the play Hamlet?', 20); // and its label is taken by another prompt
    cache.store('scope', numbered(2), 2);
    expect(cache.index('scope')!.size).toBe(3);
    expect(cache.lookup('scope', reworded(2))).toMatchObject({ hit: true, value: 2 });
    expect(cache.lookup('scope', 'who wrote the play hamlet')).toMatchObject({ hit: true, value: 20 });
  });

  it('groups only within a scope: another tenant never sees the group', () => {
    const cache = createSemanticCache<string>();
    for (let number = 1; number <= 5; number++) cache.store('tenant-a', numbered(number), `a${number}`);
    expect(cache.lookup('tenant-b', reworded(3))).toBeNull();
    cache.store('tenant-b', numbered(3), 'b3');
    expect(cache.lookup('tenant-b', reworded(3))).toMatchObject({ hit: true, value: 'b3' });
    expect(cache.lookup('tenant-a', reworded(3))).toMatchObject({ hit: true, value: 'a3' });
    expect(cache.entries('tenant-b')).toBe(1);
  });
});

const answer = (content: string) => ({ id: 'chatcmpl-1', object: 'chat.completion', created: 0, model: 'gpt-4.1-mini', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] }) as unknown as ChatResponse;
const receipt = { status: 'ok', winner: 'openai/gpt-4.1-mini', cost_usd: 0.001, duration_ms: 5 } as unknown as Receipt;

describe('ResponseCache with grouped prompts', () => {
  it('groups entries that arrived from a feed with its own, and drops one that expires while the rest of its group answers', async () => {
    const semantic = new SemanticCache<string>();
    const cache = new ResponseCache({ maxBytes: 1 << 24, ttlMs: 60_000, maxEntriesPerTenant: 1000, semantic });
    const scope = 'tenant\u0000context';
    cache.store('tenant', 'key-1', { context: 'context', prompt: numbered(1) }, answer('one'), receipt);
    // As the cache middleware adds what another replica published: with the rest of its life as TTL.
    cache.storeShared('tenant', 'key-2', { context: 'context', prompt: numbered(2) }, { id: 'cache_2', response: answer('two'), model: 'openai/gpt-4.1-mini', costUsd: 0.001 }, 1);
    cache.storeShared('tenant', 'key-3', { context: 'context', prompt: numbered(3) }, { id: 'cache_3', response: answer('three'), model: 'openai/gpt-4.1-mini', costUsd: 0.001 }, 60_000);
    cache.flush();
    expect(semantic.index(scope)!.size).toBe(1);
    expect(semantic.entries(scope)).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 20)); // entry 2 expires
    expect(cache.findSimilar('tenant', { context: 'context', prompt: reworded(2) })).toBeNull();
    expect(semantic.entries(scope)).toBe(2);
    expect(cache.findSimilar('tenant', { context: 'context', prompt: reworded(3) })).toMatchObject({ answer: { id: 'cache_3' } });
    expect(cache.findSimilar('tenant', { context: 'context', prompt: reworded(1) })).toMatchObject({ answer: { key: 'tenant\u0000key-1' } });
    expect(cache.findSimilar('other-tenant', { context: 'context', prompt: reworded(1) })).toBeNull();
  });
});
