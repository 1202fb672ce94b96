import { describe, expect, it, vi } from 'vitest';

// Counts the full slot extractions the cache makes, with the real function underneath.
const slotGuard = vi.hoisted(() => ({ extractions: 0 }));
vi.mock('./slot-guard.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./slot-guard.js')>();
  return {
    ...actual,
    extractSlots: (text: string) => {
      slotGuard.extractions += 1;
      return actual.extractSlots(text);
    },
  };
});

const { createSemanticCache } = await import('./semantic-cache.js');
const { compareSlots, extractSlots } = await import('./slot-guard.js');

// Long enough that one number or one name barely moves the embedding: the guard decides.
const details = ' List museums, markets, walks, day trips, local dishes, what it costs, how to get around by tram and train, and which neighbourhoods suit a family.';
const template = (count: number, city: string) => `Plan a trip of ${count} days to ${city} for a first-time visitor.${details.repeat(4)}`;

describe('SemanticCache guard in two steps', () => {
  it('stores prompts without extracting their slots, refuses a near neighbour with other numbers on the numbers alone, and extracts every slot when the numbers agree', () => {
    const cache = createSemanticCache<string>();
    for (let count = 1; count <= 20; count++) cache.store('scope', template(count, 'Lisbon'), `lisbon-${count}`);
    expect(slotGuard.extractions).toBe(0);

    // Same text but the number: refused with the guard's own verdict, still without a full extraction.
    const otherNumber = template(21, 'Lisbon');
    expect(cache.lookup('scope', otherNumber)).toMatchObject({ hit: false, rejected: 'numbers' });
    expect(compareSlots(extractSlots(otherNumber), extractSlots(template(20, 'Lisbon')))).toBe('numbers');
    slotGuard.extractions = 0;
    expect(cache.lookup('scope', template(22, 'Lisbon'))).toMatchObject({ hit: false, rejected: 'numbers' });
    expect(slotGuard.extractions).toBe(0);

    // Same numbers, another city: every slot of both prompts is read, and the names refuse it.
    expect(cache.lookup('scope', template(7, 'Porto'))).toMatchObject({ hit: false, rejected: 'names' });
    expect(slotGuard.extractions).toBe(2);
    // The stored prompt keeps its slots once extracted; the same question hits.
    expect(cache.lookup('scope', template(7, 'Lisbon'))).toMatchObject({ hit: true, value: 'lisbon-7' });
    expect(slotGuard.extractions).toBe(3);
  });
});
