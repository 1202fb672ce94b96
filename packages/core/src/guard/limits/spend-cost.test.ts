import { describe, expect, it } from 'vitest';
import { formatUsd } from './spend-cost.js';

describe('formatUsd', () => {
  it('shows cents from a dollar, and amounts below a cent to the micro-dollar, never as $0.0000', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(12.5)).toBe('$12.50');
    expect(formatUsd(1)).toBe('$1.00');
    expect(formatUsd(0.5)).toBe('$0.5000');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0.00001)).toBe('$0.00001');
    expect(formatUsd(0.000152)).toBe('$0.000152');
    expect(formatUsd(0.000001)).toBe('$0.000001');
  });
});
