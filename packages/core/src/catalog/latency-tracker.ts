import type { LatencyStats, ModelInfo } from './model-info.js';

export interface LatencySample {
  timeToFirstTokenMs: number;
  /** Mean time between output tokens, when the call streamed more than one token. */
  interTokenMs?: number;
  totalMs: number;
}

export interface LatencyTrackerOptions {
  /** Weight of a new sample in the moving averages, in (0, 1]. Default 0.2. */
  smoothing?: number;
}

const recentSamples = 50;

/**
 * Live latency per model, as exponentially weighted moving averages of real calls, so that routing
 * reacts to a provider slowing down without keeping every sample.
 *
 * @example
 * const latency = new LatencyTracker();
 * latency.record('openai/gpt-4.1-mini', { timeToFirstTokenMs: 320, interTokenMs: 9, totalMs: 1200 });
 * latency.expectedTotalMs(model, 200);
 */
export class LatencyTracker {
  readonly #stats = new Map<string, LatencyStats>();
  readonly #smoothing: number;
  // Error rate and recent first-token times live beside LatencyStats: the resilience layer reads them.
  readonly #errorRates = new Map<string, number>();
  readonly #firstTokens = new Map<string, number[]>();
  #availability: (modelId: string) => string | undefined = () => undefined;
  #ignoreAvailability = false;

  constructor(options: LatencyTrackerOptions = {}) {
    this.#smoothing = options.smoothing ?? 0.2;
  }

  record(modelId: string, sample: LatencySample): void {
    this.#recordOutcome(modelId, 0);
    const recent = this.#firstTokens.get(modelId) ?? [];
    recent.push(sample.timeToFirstTokenMs);
    if (recent.length > recentSamples) recent.shift();
    this.#firstTokens.set(modelId, recent);
    const previous = this.#stats.get(modelId);
    if (previous === undefined) {
      this.#stats.set(modelId, { samples: 1, timeToFirstTokenMs: sample.timeToFirstTokenMs, interTokenMs: sample.interTokenMs ?? 0, totalMs: sample.totalMs });
      return;
    }
    const blend = (old: number, next: number) => old + this.#smoothing * (next - old);
    this.#stats.set(modelId, {
      samples: previous.samples + 1,
      timeToFirstTokenMs: blend(previous.timeToFirstTokenMs, sample.timeToFirstTokenMs),
      interTokenMs: sample.interTokenMs === undefined ? previous.interTokenMs : blend(previous.interTokenMs, sample.interTokenMs),
      totalMs: blend(previous.totalMs, sample.totalMs),
    });
  }

  /** Counts a failed call (an error, a timeout, a cut stream) in the model's error rate. */
  recordFailure(modelId: string): void {
    this.#recordOutcome(modelId, 1);
  }

  #recordOutcome(modelId: string, failed: 0 | 1): void {
    const previous = this.#errorRates.get(modelId);
    this.#errorRates.set(modelId, previous === undefined ? failed : previous + this.#smoothing * (failed - previous));
  }

  get(modelId: string): LatencyStats | undefined {
    return this.#stats.get(modelId);
  }

  /** Moving average of the share of failed calls, in 0..1 (0 before any call). */
  errorRate(modelId: string): number {
    return this.#errorRates.get(modelId) ?? 0;
  }

  /** The `quantile` (e.g. 0.95) of the last 50 measured times to first token, or undefined before any. */
  timeToFirstTokenQuantileMs(modelId: string, quantile: number): number | undefined {
    const recent = this.#firstTokens.get(modelId);
    if (recent === undefined || recent.length === 0) return undefined;
    const sorted = [...recent].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))];
  }

  /**
   * Where the engine says which models cannot take calls now (their circuit is open), so that
   * routing's hard constraints set them aside before any strategy ranks.
   */
  setAvailability(availability: (modelId: string) => string | undefined): void {
    this.#availability = availability;
  }

  /** Why a model cannot take calls now (e.g. `circuit_open`), or undefined when it can. */
  unavailableReason(modelId: string): string | undefined {
    return this.#ignoreAvailability ? undefined : this.#availability(modelId);
  }

  /** Runs `work` as if every model were available: tells "no capable model" from "capable ones are all open". */
  ignoringAvailability<T>(work: () => T): T {
    this.#ignoreAvailability = true;
    try {
      return work();
    } finally {
      this.#ignoreAvailability = false;
    }
  }

  /**
   * Expected time to first token: measured when there is a measurement, else the catalog's; divided
   * by the share of calls that succeed, since each failure costs another try.
   */
  expectedTimeToFirstTokenMs(model: ModelInfo): number {
    const base = this.#stats.get(model.id)?.timeToFirstTokenMs ?? model.typicalTimeToFirstTokenMs;
    return base / (1 - Math.min(this.errorRate(model.id), 0.9));
  }

  /** Expected time between output tokens. */
  expectedInterTokenMs(model: ModelInfo): number {
    const measured = this.#stats.get(model.id)?.interTokenMs;
    return measured !== undefined && measured > 0 ? measured : 1000 / model.typicalTokensPerSecond;
  }

  /** Expected time for a whole answer of `outputTokens` tokens. */
  expectedTotalMs(model: ModelInfo, outputTokens: number): number {
    return this.expectedTimeToFirstTokenMs(model) + outputTokens * this.expectedInterTokenMs(model);
  }
}
