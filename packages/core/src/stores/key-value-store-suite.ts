import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from './key-value-store.js';

/** The behaviour every KeyValueStore must have; `open` returns a handle on the same shared state. */
export function describeKeyValueStore(name: string, open: () => KeyValueStore): void {
  describe(`${name} key-value store`, () => {
    const key = (label: string) => `${label}:${randomUUID()}`;

    it('sets, gets and deletes', async () => {
      const store = open();
      const entry = key('entry');
      expect(await store.get(entry)).toBeUndefined();
      await store.set(entry, 'open');
      expect(await store.get(entry)).toBe('open');
      await store.set(entry, 'closed');
      expect(await store.get(entry)).toBe('closed');
      await store.delete(entry);
      expect(await store.get(entry)).toBeUndefined();
    });

    it('lets exactly one of many concurrent claims win, across handles', async () => {
      const [first, second] = [open(), open()];
      const entry = key('claim');
      const claims = await Promise.all(Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? first : second).setIfAbsent(entry, String(index), 60_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await first.get(entry)).toBe(String(claims.indexOf(true)));
    });

    it('forgets an entry after its time to live', async () => {
      const store = open();
      const entry = key('ttl');
      await store.set(entry, 'half-open', 40);
      expect(await store.get(entry)).toBe('half-open');
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await store.get(entry)).toBeUndefined();
      expect(await store.setIfAbsent(entry, 'again', 60_000)).toBe(true);
    });
  });
}
