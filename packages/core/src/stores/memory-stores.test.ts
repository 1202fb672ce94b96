import { describe, expect, it } from 'vitest';
import { describeCounterStore } from './counter-store-suite.js';
import { describeKeyValueStore } from './key-value-store-suite.js';
import { createMemoryKeyValueStore } from './memory-key-value-store.js';
import { createMemoryCounterStore } from './memory-counter-store.js';

const shared = createMemoryCounterStore();
describeCounterStore('memory', () => shared);
const sharedValues = createMemoryKeyValueStore();
describeKeyValueStore('memory', () => sharedValues);

describe('memory counter store', () => {
  it('expires counters by its own clock', async () => {
    let time = 1_000;
    const store = createMemoryCounterStore({ now: () => time });
    await store.reserve([{ key: 'k', amount: 3, limit: 3, ttlMs: 500 }]);
    time += 499;
    expect(await store.get('k')).toBe(3);
    time += 1;
    expect(await store.get('k')).toBe(0);
  });
});
