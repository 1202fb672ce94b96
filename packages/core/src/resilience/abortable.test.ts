import { describe, expect, it } from 'vitest';
import { anySignal } from './abortable.js';

describe('anySignal', () => {
  it('aborts with the reason of whichever signal aborts first', () => {
    const first = new AbortController();
    const second = new AbortController();
    const { signal } = anySignal([first.signal, second.signal]);
    expect(signal.aborted).toBe(false);
    second.abort(new Error('second'));
    first.abort(new Error('first'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('second');
  });

  it('is aborted at once when a signal already is', () => {
    const { signal } = anySignal([new AbortController().signal, AbortSignal.abort('gone')]);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('gone');
  });

  it('leaves nothing behind on a long-lived signal once disposed', () => {
    // A caller's own signal (the AI SDK's abortSignal) may serve thousands of requests.
    const caller = new AbortController();
    const linked = Array.from({ length: 1000 }, () => anySignal([caller.signal, new AbortController().signal]));
    for (const { dispose } of linked) dispose();
    caller.abort();
    expect(linked.filter(({ signal }) => signal.aborted)).toHaveLength(0);
  });
});
