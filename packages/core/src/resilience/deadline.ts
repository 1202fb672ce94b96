import { RoutekitError } from '../errors.js';

/** The request's overall deadline passed before an answer (or the end of its stream). */
export class DeadlineExceededError extends RoutekitError {
  readonly deadlineMs: number;

  constructor(deadlineMs: number) {
    super(`The request did not complete within its deadline of ${deadlineMs} ms.`, { status: 504, type: 'timeout_error', code: 'deadline_exceeded' });
    this.deadlineMs = deadlineMs;
  }
}

/**
 * The overall deadline of one request: its signal aborts with a DeadlineExceededError when the time
 * is up, which ends every attempt, wait and stream still running.
 */
export class Deadline {
  readonly milliseconds: number;
  readonly signal: AbortSignal;
  readonly #endsAt: number;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #controller = new AbortController();

  constructor(milliseconds: number, startedAt = performance.now()) {
    this.milliseconds = milliseconds;
    this.#endsAt = startedAt + milliseconds;
    const controller = this.#controller;
    this.signal = controller.signal;
    this.#timer = setTimeout(() => controller.abort(new DeadlineExceededError(milliseconds)), Math.max(0, this.#endsAt - performance.now()));
    // A pending deadline must not keep a process alive that has nothing else to do.
    this.#timer.unref?.();
  }

  /** Time left, in ms (0 once passed). */
  remainingMs(): number {
    return Math.max(0, this.#endsAt - performance.now());
  }

  /** Ends the request now, as its deadline would, with `reason` (a shutdown that cannot wait any longer). */
  end(reason: Error): void {
    clearTimeout(this.#timer);
    this.#controller.abort(reason);
  }

  /** Stops the timer once the request is finished. */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}
