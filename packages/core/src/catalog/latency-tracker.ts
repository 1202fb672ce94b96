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

  constructor(options: LatencyTrackerOptions = {}) {
    this.#smoothing = options.smoothing ?? 0.2;
  }

  record(modelId: string, sample: LatencySample): void {
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

  get(modelId: string): LatencyStats | undefined {
    return this.#stats.get(modelId);
  }

  /** Expected time to first token: measured when there is a measurement, else the catalog's. */
  expectedTimeToFirstTokenMs(model: ModelInfo): number {
    return this.#stats.get(model.id)?.timeToFirstTokenMs ?? model.typicalTimeToFirstTokenMs;
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
