/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts, even when the
 * work behind `promise` ignores the signal (a framework's model object). A value that arrives after
 * the abort goes to `discard`, so a late stream is still closed.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, discard: (value: T) => void = () => {}): Promise<T> {
  const late = () => {
    promise.then(discard, () => {});
  };
  if (signal.aborted) {
    late();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      late();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Waits `milliseconds`, or rejects with the signal's reason when it aborts first. */
export function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A signal linked to others, and the way to unlink it once it is no longer needed. */
export interface LinkedSignal {
  signal: AbortSignal;
  /** Aborts it with `reason` (if it has not aborted yet), as its own timeout would: the signals it follows are untouched. */
  abort(reason: unknown): void;
  /** Removes its listeners from the signals it follows (which may outlive it: a caller's own signal). */
  dispose(): void;
}

/**
 * A signal that aborts, with the same reason, as soon as any of `signals` does. Lighter than
 * `AbortSignal.any`, which registers every signal it makes with a finalizer: the gateway makes two
 * per request.
 */
export function anySignal(signals: readonly AbortSignal[]): LinkedSignal {
  const controller = new AbortController();
  const aborted = signals.find((signal) => signal.aborted);
  const abort = (reason: unknown) => controller.abort(reason);
  if (aborted !== undefined) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, abort, dispose: () => {} };
  }
  const follow = signals.map((signal) => () => controller.abort(signal.reason));
  signals.forEach((signal, index) => signal.addEventListener('abort', follow[index]!, { once: true }));
  return {
    signal: controller.signal,
    abort,
    dispose: () => signals.forEach((signal, index) => signal.removeEventListener('abort', follow[index]!)),
  };
}
