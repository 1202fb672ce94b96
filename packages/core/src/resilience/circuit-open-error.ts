import { RoutekitError } from '../errors.js';

/** Every model that could serve the request has its circuit open: it failed recently and is resting. */
export class CircuitOpenError extends RoutekitError {
  /** When the first of them takes a probe again, in whole seconds from now (null when unknown). */
  readonly retryAfterSeconds: number | null;

  constructor(models: readonly string[], retryAfterSeconds: number | null) {
    const when = retryAfterSeconds === null ? '' : `; retry in about ${retryAfterSeconds} s`;
    super(`No model can take this request now: the circuit of ${models.length === 1 ? models[0] : `${models.length} models`} is open after repeated failures${when}.`, {
      status: 503,
      type: 'upstream_error',
      code: 'circuit_open',
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
