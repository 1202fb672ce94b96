import { describe, expect, it } from 'vitest';
import { OperationTimeoutError, withTimeout } from './with-timeout.js';

describe('withTimeout', () => {
  it('rejects an operation that never settles', async () => {
    await expect(withTimeout(new Promise(() => undefined), 10)).rejects.toBeInstanceOf(OperationTimeoutError);
  });

  it('does not call a blocked event loop a slow store: an answer that arrived meanwhile still wins', async () => {
    // Started in the loop's check phase: the next turn begins with its timers (the deadline, long
    // past) and only then reaches the answer, queued for that turn's check phase as a reply in a
    // socket would wait for its poll phase.
    const { racing } = await new Promise<{ racing: Promise<string> }>((started) =>
      setImmediate(() => {
        const answer = new Promise<string>((resolve) => setImmediate(() => resolve('there all along')));
        const racing = withTimeout(answer, 20);
        const until = performance.now() + 100;
        while (performance.now() < until);
        started({ racing });
      }),
    );
    await expect(racing).resolves.toBe('there all along');
  });
});
