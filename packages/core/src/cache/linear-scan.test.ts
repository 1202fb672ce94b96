import { describe, expect, it } from 'vitest';
import { LinearScan } from './linear-scan.js';

const unit = (angle: number) => Float32Array.of(Math.cos(angle), Math.sin(angle));

describe('LinearScan', () => {
  it('returns the labels of the closest vectors, best first, across growth and removals', () => {
    const scan = new LinearScan(2);
    for (let label = 0; label < 100; label += 1) scan.add(label, unit(label / 100));
    expect(scan.top(unit(0.5), 3)).toEqual([50, 49, 51]);
    scan.remove(50);
    scan.remove(0);
    expect(scan.size).toBe(98);
    expect(scan.top(unit(0.5), 2)).toEqual([49, 51]);
    expect(scan.top(unit(0.99), 1)).toEqual([99]);
    scan.add(500, unit(0.5));
    expect(scan.top(unit(0.5), 1)).toEqual([500]);
  });
});
