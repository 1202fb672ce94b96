import { describe, expect, it } from 'vitest';
import { createTimeoutQueue, OperationTimeoutError, withTimeout } from './with-timeout.js';

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

describe('createTimeoutQueue', () => {
  it('rejects each operation that never settles at its own deadline, and passes on the answers that come in time', async () => {
    const wait = createTimeoutQueue(30);
    const started = performance.now();
    const never = wait(new Promise(() => undefined)).catch((error: unknown) => ({ error, after: performance.now() - started }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const answered = wait(new Promise((resolve) => setTimeout(() => resolve('in time'), 5)));
    const failed = expect(wait(Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    const laterNever = wait(new Promise(() => undefined)).catch((error: unknown) => ({ error, after: performance.now() - started }));
    await expect(answered).resolves.toBe('in time');
    await failed;
    const first = await never;
    const second = await laterNever;
    expect(first.error).toBeInstanceOf(OperationTimeoutError);
    expect(second.error).toBeInstanceOf(OperationTimeoutError);
    expect(first.after).toBeGreaterThanOrEqual(29);
    expect(second.after).toBeGreaterThanOrEqual(39);
  });

  it('serves operations that start after the queue went idle', async () => {
    const wait = createTimeoutQueue(20);
    expect(await wait(Promise.resolve(1))).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await expect(wait(new Promise(() => undefined))).rejects.toBeInstanceOf(OperationTimeoutError);
    expect(await wait(Promise.resolve(2))).toBe(2);
  });

  it('does not call a blocked event loop a slow store: an answer that arrived meanwhile still wins', async () => {
    const wait = createTimeoutQueue(20);
    const { racing } = await new Promise<{ racing: Promise<string> }>((started) =>
      setImmediate(() => {
        const answer = new Promise<string>((resolve) => setImmediate(() => resolve('there all along')));
        const racing = wait(answer);
        const until = performance.now() + 100;
        while (performance.now() < until);
        started({ racing });
      }),
    );
    await expect(racing).resolves.toBe('there all along');
  });
});
