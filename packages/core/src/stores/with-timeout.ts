/** Thrown by `withTimeout` when the operation did not settle in time. */
export class OperationTimeoutError extends Error {
  constructor(milliseconds: number) {
    super(`no answer within ${milliseconds} ms`);
    this.name = 'OperationTimeoutError';
  }
}

/**
 * Settles like `promise`, or rejects with an OperationTimeoutError after `milliseconds`. The
 * operation itself is not cancelled (a Redis command may still run later); the caller just stops
 * waiting for it, which is what keeps a client's wait bounded.
 *
 * A timer that fires late means this process's event loop was blocked (a long synchronous task, a
 * GC pause), not that the store was slow: the answer may already wait in a socket, which Node
 * reads only after the timers. So a late timer looks once more, after that read, before it gives up.
 */
export function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const deadline = performance.now() + milliseconds;
    let settled = false;
    let lookedAgain = false;
    const expire = () => {
      if (settled) return;
      if (!lookedAgain && performance.now() - deadline > Math.min(50, milliseconds)) {
        lookedAgain = true;
        setImmediate(expire);
        return;
      }
      settled = true;
      reject(new OperationTimeoutError(milliseconds));
    };
    const timer = setTimeout(expire, milliseconds);
    promise.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
