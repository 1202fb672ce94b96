import { describe, expect, it } from 'vitest';
import { seededRandom } from '../routing/training/logistic-regression.js';
import { ReceiptRing } from './receipt-ring.js';

/** What the ring must hold: the last `capacity` puts, each id naming its latest one. */
function expected(history: Array<[string, string]>, capacity: number): { byId: Map<string, string>; newestFirst: string[] } {
  const kept = history.slice(-capacity);
  const byId = new Map<string, string>();
  for (const [id, json] of kept) byId.set(id, json);
  const newestFirst: string[] = [];
  const seen = new Set<string>();
  for (let index = kept.length - 1; index >= 0; index--) {
    const [id, json] = kept[index]!;
    if (seen.has(id)) continue;
    seen.add(id);
    newestFirst.push(json);
  }
  return { byId, newestFirst };
}

describe('ReceiptRing', () => {
  it('keeps the newest receipts and drops the oldest', () => {
    const ring = new ReceiptRing(2);
    ring.put('a', '{"id":"a"}');
    ring.put('b', '{"id":"b"}');
    ring.put('c', '{"id":"c","note":"é ✓"}');
    expect(ring.get('a')).toBeUndefined();
    expect(ring.get('c')).toBe('{"id":"c","note":"é ✓"}');
    expect([...ring.newestFirst()]).toEqual(['{"id":"c","note":"é ✓"}', '{"id":"b"}']);
    expect(ring.size).toBe(2);
  });

  it('matches a plain list of puts on random sizes, ids reused, and records larger than its buffer', () => {
    const random = seededRandom(25);
    for (let round = 0; round < 100; round++) {
      const capacity = 1 + Math.floor(random() * 20);
      const ring = new ReceiptRing(capacity);
      const history: Array<[string, string]> = [];
      for (let put = 0; put < 150; put++) {
        const id = `id-${Math.floor(random() * 40)}`;
        // Mostly receipt-sized, sometimes far larger (a ring grows rather than lose a record), some multi-byte.
        const size = random() < 0.05 ? Math.floor(random() * 150_000) : Math.floor(random() * 4000);
        const json = JSON.stringify({ id, put, text: (random() < 0.2 ? 'ü€' : 'x').repeat(size / 2) });
        ring.put(id, json);
        history.push([id, json]);
        const model = expected(history, capacity);
        const probe = `id-${Math.floor(random() * 40)}`;
        expect(ring.get(probe)).toBe(model.byId.get(probe));
        if (put % 10 === 0) expect([...ring.newestFirst()]).toEqual(model.newestFirst);
        expect(ring.size).toBe(model.byId.size);
      }
    }
  });
});
