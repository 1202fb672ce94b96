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
 */
export function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new OperationTimeoutError(milliseconds)), milliseconds);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
