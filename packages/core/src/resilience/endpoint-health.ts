import type { LatencyTracker } from '../catalog/latency-tracker.js';
import type { ModelInfo } from '../catalog/model-info.js';
import type { CircuitState } from './breaker-store.js';
import type { CircuitBreaker } from './circuit-breaker.js';

/** Live health of one endpoint (a provider's model), as `GET /v1/models` shows it. */
export interface EndpointHealth {
  /** `measured` once real calls were seen, else the catalog's typical figures. */
  source: 'measured' | 'catalog';
  samples: number;
  /** Moving averages (EWMA) of successful calls, in ms. */
  latency_ms: number | null;
  time_to_first_token_ms: number;
  time_to_first_token_p95_ms: number | null;
  inter_token_ms: number;
  /** Moving average of the share of failed calls, 0..1. */
  error_rate: number;
  circuit: CircuitState;
  /** While open: when it lets a probe through again (ISO time). */
  circuit_retry_at?: string;
}

/** Reads the live health of a model from the latency tracker and the breaker. */
export function endpointHealth(model: ModelInfo, latency: LatencyTracker, breaker: CircuitBreaker | undefined): EndpointHealth {
  const live = latency.get(model.id);
  const retryAt = breaker?.openUntil(model.id) ?? null;
  const p95 = latency.timeToFirstTokenQuantileMs(model.id, 0.95);
  return {
    source: live === undefined ? 'catalog' : 'measured',
    samples: live?.samples ?? 0,
    latency_ms: live === undefined ? null : round(live.totalMs),
    time_to_first_token_ms: round(live?.timeToFirstTokenMs ?? model.typicalTimeToFirstTokenMs),
    time_to_first_token_p95_ms: p95 === undefined ? null : round(p95),
    inter_token_ms: round(latency.expectedInterTokenMs(model)),
    error_rate: Math.round(latency.errorRate(model.id) * 1000) / 1000,
    circuit: breaker?.state(model.id) ?? 'closed',
    ...(retryAt !== null && { circuit_retry_at: new Date(retryAt).toISOString() }),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
