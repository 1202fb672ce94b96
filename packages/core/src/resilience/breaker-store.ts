/** The three states of a circuit breaker. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** The thresholds a breaker store applies; resolved from CircuitBreakerOptions, passed on every call. */
export interface BreakerSettings {
  /** Length of one bucket of the sliding window, in ms (the window is `buckets` of them). */
  bucketMs: number;
  /** Buckets in the sliding window. */
  buckets: number;
  /** Calls the window needs before its rates may open the circuit. */
  minimumCalls: number;
  /** Share of failed calls that opens the circuit. */
  failureRateThreshold: number;
  /** Share of slow calls that opens the circuit. */
  slowCallRateThreshold: number;
  /** Timeouts in a row that open the circuit whatever the window holds (a quiet endpoint never reaches `minimumCalls`); 0 turns this off. */
  consecutiveTimeouts: number;
  /** How long an open circuit refuses calls before probes may pass, in ms. */
  openMs: number;
  /** Probes let through per half-open round. */
  halfOpenProbes: number;
}

/** What a store knows about one endpoint. `openUntil` is set while the circuit is open. */
export interface BreakerView {
  state: CircuitState;
  /** When an open circuit starts letting probes through (epoch ms); null unless open. */
  openUntil: number | null;
}

/** Whether a call may go ahead, and whether it is a half-open probe. */
export interface Admission {
  allowed: boolean;
  probe: boolean;
  state: CircuitState;
}

/** The outcome of one finished call as the breaker counts it. */
export interface CallOutcome {
  failed: boolean;
  slow: boolean;
  /** The call failed by timing out (a subset of `failed`); `consecutiveTimeouts` of them in a row open the circuit. */
  timedOut?: boolean;
  /** The call was admitted as a half-open probe: its outcome closes or reopens the circuit. */
  probe: boolean;
}

/**
 * Where breaker state lives. Every method is atomic for one endpoint, so that instances sharing a
 * store (Redis) never let more probes through than allowed or lose a count.
 */
export interface BreakerStore {
  /** True when other instances see the same state (the breaker then re-reads it before routing). */
  readonly shared: boolean;
  /** The state of each endpoint at `now`; unknown endpoints are closed. */
  views(endpoints: readonly string[], now: number, settings: BreakerSettings): Promise<BreakerView[]>;
  /** Always allowed while closed; refused while open; one of the bounded probes while half-open. */
  admit(endpoint: string, now: number, settings: BreakerSettings): Promise<Admission>;
  /** Counts a finished call and applies the transitions; returns the state after it. */
  record(endpoint: string, outcome: CallOutcome, now: number, settings: BreakerSettings): Promise<BreakerView>;
  /** Releases connections the store opened itself. */
  close?(): Promise<void>;
}
