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

interface Waiting {
  deadline: number;
  settled: boolean;
  lookedAgain: boolean;
  reject: (error: unknown) => void;
}

/**
 * `withTimeout` for every operation of a store, which all get the same `milliseconds`: their
 * deadlines then come in the order they started, so one timer, armed for the earliest, serves them
 * all. An operation that answers in time (nearly all of them) costs a queue entry instead of a
 * timer of its own to set and clear. Same behaviour as `withTimeout`, the look after a late timer included.
 */
export function createTimeoutQueue(milliseconds: number): <T>(promise: Promise<T>) => Promise<T> {
  const waiting: Waiting[] = [];
  let head = 0;
  let unsettled = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function settle(entry: Waiting): void {
    entry.settled = true;
    // Nothing left to wait for: the timer must not keep the process alive (a lone withTimeout's is cleared).
    if (--unsettled === 0) timer?.unref();
  }

  function expire(entry: Waiting): void {
    if (entry.settled) return;
    settle(entry);
    entry.reject(new OperationTimeoutError(milliseconds));
  }

  function fire(): void {
    timer = undefined;
    const time = performance.now();
    let late: Waiting[] | undefined;
    while (head < waiting.length) {
      const entry = waiting[head]!;
      if (!entry.settled) {
        if (entry.deadline > time) break;
        if (!entry.lookedAgain && time - entry.deadline > Math.min(50, milliseconds)) {
          // Late by more than a blocked loop explains: the answer may wait in a socket, read after the timers.
          entry.lookedAgain = true;
          (late ??= []).push(entry);
        } else expire(entry);
      }
      head += 1;
    }
    if (late !== undefined) setImmediate(() => late.forEach(expire));
    if (head === waiting.length) {
      waiting.length = 0;
      head = 0;
      return;
    }
    if (head > 1024) {
      waiting.splice(0, head);
      head = 0;
    }
    timer = setTimeout(fire, Math.max(0, waiting[head]!.deadline - time));
    if (unsettled === 0) timer.unref();
  }

  return <T>(promise: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const entry: Waiting = { deadline: performance.now() + milliseconds, settled: false, lookedAgain: false, reject };
      waiting.push(entry);
      if (++unsettled === 1) timer?.ref();
      timer ??= setTimeout(fire, milliseconds);
      promise.then(
        (value) => {
          if (entry.settled) return;
          settle(entry);
          resolve(value);
        },
        (error: unknown) => {
          if (entry.settled) return;
          settle(entry);
          reject(error);
        },
      );
    });
}
