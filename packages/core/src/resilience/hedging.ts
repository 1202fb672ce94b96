import type { LatencyTracker } from '../catalog/latency-tracker.js';
import type { ModelInfo } from '../catalog/model-info.js';
import type { Exchange } from '../pipeline/exchange.js';

/** When to hedge: only requests with `priority: "latency"`, and only once the first model's p95 is known. */
export interface HedgingPolicy {
  /** Measured times to first token a model needs before its p95 is trusted. Default 20. */
  minimumSamples?: number;
  /** Which quantile of the first model's time to first token to wait before starting the second. Default 0.95. */
  quantile?: number;
}

/** The slower of two hedged calls, stopped because the other answered first. */
export class HedgeCancelledError extends Error {
  constructor() {
    super('The other hedged call answered first.');
    this.name = 'HedgeCancelledError';
  }
}

/** How long to wait for the first candidate before starting the second, or undefined for no hedge. */
export function hedgeDelayMs(policy: HedgingPolicy | undefined, exchange: Exchange, model: ModelInfo, latency: LatencyTracker): number | undefined {
  if (policy === undefined || exchange.hints.priority !== 'latency') return undefined;
  const samples = latency.get(model.id)?.samples ?? 0;
  if (samples < (policy.minimumSamples ?? 20)) return undefined;
  return latency.timeToFirstTokenQuantileMs(model.id, policy.quantile ?? 0.95);
}

export interface HedgedRace<T> {
  delayMs: number;
  /** Aborts the wait for the hedge (client gone, deadline). */
  signal: AbortSignal;
  first: (cancel: AbortSignal) => Promise<T>;
  /** Starts the second call; undefined when it may not start (its circuit is open). */
  second: (cancel: AbortSignal) => Promise<T | undefined>;
  /** Closes a result that arrived after the race was decided. */
  discard: (value: T) => void;
}

/**
 * Runs `first`; if it has not settled after `delayMs`, starts `second` beside it. The first call to
 * succeed wins and the other is cancelled. A failure before the hedge starts, or of both calls,
 * rejects with the first call's error, so the caller's retry policy goes on as without a hedge.
 */
export function raceHedged<T>(race: HedgedRace<T>): Promise<T> {
  const cancelFirst = new AbortController();
  const cancelSecond = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let pending = 1;
    let firstError: unknown;
    let secondStarted = false;
    const win = (value: T, loser: AbortController) => {
      if (settled) {
        race.discard(value);
        return;
      }
      settled = true;
      clearTimeout(timer);
      loser.abort(new HedgeCancelledError());
      resolve(value);
    };
    const lose = (error: unknown, isFirst: boolean) => {
      if (isFirst) firstError = error;
      pending -= 1;
      if (settled) return;
      if (!secondStarted) clearTimeout(timer);
      if (pending === 0) {
        settled = true;
        reject(firstError ?? error);
      }
    };
    const timer = setTimeout(() => {
      if (settled || race.signal.aborted) return;
      secondStarted = true;
      pending += 1;
      race.second(cancelSecond.signal).then(
        (value) => (value === undefined ? lose(undefined, false) : win(value, cancelFirst)),
        (error: unknown) => lose(error, false),
      );
    }, race.delayMs);
    race.first(cancelFirst.signal).then(
      (value) => win(value, cancelSecond),
      (error: unknown) => lose(error, true),
    );
  });
}
