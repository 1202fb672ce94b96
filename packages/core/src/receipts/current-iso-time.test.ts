import { describe, expect, it } from 'vitest';
import { seededRandom } from '../routing/training/logistic-regression.js';
import { currentIsoTime } from './current-iso-time.js';

describe('currentIsoTime', () => {
  it('formats as toISOString does, across second, minute, day and year boundaries, in any order', () => {
    const random = seededRandom(7);
    const edges = [0, 999, 1000, 1001, 59_999, 60_000, 86_399_999, 86_400_000, Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1), -1, -1000, -1001, 253_402_300_799_999];
    const times = [...edges];
    for (let index = 0; index < 20_000; index++) {
      // Runs of nearby times (the cached second is reused) and far jumps (it is replaced).
      const base = Math.floor(random() * 4_000_000_000_000);
      times.push(base, base + Math.floor(random() * 3000), base - Math.floor(random() * 3000));
    }
    for (const time of times) expect(currentIsoTime(time)).toBe(new Date(time).toISOString());
  });

  it('reads the clock when given no time', () => {
    const before = Date.now();
    const stamped = Date.parse(currentIsoTime());
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Date.now());
  });
});
