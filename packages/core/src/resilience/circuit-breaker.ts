import type { Admission, BreakerSettings, BreakerStore, BreakerView, CallOutcome, CircuitState } from './breaker-store.js';
import { createMemoryBreakerStore } from './memory-breaker-store.js';

export interface CircuitBreakerOptions {
  /** Length of the sliding window the failure and slow-call rates are measured over, in ms. Default 30,000. */
  windowMs?: number;
  /** Calls the window needs before its rates may open the circuit. Default 10. */
  minimumCalls?: number;
  /** Share of failed calls in the window that opens the circuit, in (0, 1]. Default 0.5. */
  failureRateThreshold?: number;
  /** A call slower than this counts as slow, in ms: a stream's first token, or a JSON answer less the time its tokens take at the model's usual speed. Default 10,000. */
  slowCallMs?: number;
  /** Share of slow calls in the window that opens the circuit, in (0, 1]. Default 0.8. */
  slowCallRateThreshold?: number;
  /**
   * Timeouts in a row that open the circuit, however few calls the window holds: a model that
   * accepts and never answers must not wait for `minimumCalls` on a quiet gateway. Any other
   * outcome resets the count; 0 turns this off. Default 3.
   */
  consecutiveTimeouts?: number;
  /** How long an open circuit refuses calls before it lets probes through, in ms. Default 15,000. */
  openMs?: number;
  /** Probes let through per half-open round; the first success closes the circuit, a failure reopens it. Default 2. */
  halfOpenProbes?: number;
  /** How often a shared store's state is re-read before routing, at most, in ms. Default 200. */
  refreshMs?: number;
}

export interface CircuitBreakerConfig {
  options?: CircuitBreakerOptions;
  /** Where the state lives; process memory when omitted. */
  store?: BreakerStore;
  /** The clock, in epoch ms; tests pass their own. */
  now?: () => number;
  /** Called when a call recorded here changes an endpoint's state (the `service.status` webhook); other instances sharing the store do not repeat it. */
  onStateChange?: (endpoint: string, from: CircuitState, to: CircuitState) => void;
}

const windowBuckets = 10;

/**
 * One circuit breaker per endpoint (a provider's model, by routekit id). It keeps the latest state of
 * every endpoint it has seen, so routing can skip open endpoints synchronously; with a shared store
 * that view is re-read before routing, and half-open probes are admitted by the store atomically.
 *
 * @example
 * const breaker = new CircuitBreaker({ options: { openMs: 5000 } });
 * const admission = await breaker.admit('openai/gpt-4.1');
 * if (admission.allowed) await breaker.record('openai/gpt-4.1', { failed: false, slow: false, probe: admission.probe });
 */
export class CircuitBreaker {
  readonly settings: BreakerSettings;
  readonly slowCallMs: number;
  readonly store: BreakerStore;
  readonly #now: () => number;
  readonly #onStateChange: CircuitBreakerConfig['onStateChange'];
  readonly #refreshMs: number;
  readonly #views = new Map<string, BreakerView>();
  #refreshedAt = -Infinity;
  #refreshing: Promise<void> | undefined;

  constructor(config: CircuitBreakerConfig = {}) {
    const options = config.options ?? {};
    const windowMs = options.windowMs ?? 30_000;
    this.settings = {
      bucketMs: Math.max(1, Math.ceil(windowMs / windowBuckets)),
      buckets: windowBuckets,
      minimumCalls: options.minimumCalls ?? 10,
      failureRateThreshold: options.failureRateThreshold ?? 0.5,
      slowCallRateThreshold: options.slowCallRateThreshold ?? 0.8,
      consecutiveTimeouts: options.consecutiveTimeouts ?? 3,
      openMs: options.openMs ?? 15_000,
      halfOpenProbes: options.halfOpenProbes ?? 2,
    };
    this.slowCallMs = options.slowCallMs ?? 10_000;
    this.#refreshMs = options.refreshMs ?? 200;
    this.store = config.store ?? createMemoryBreakerStore();
    this.#now = config.now ?? Date.now;
    this.#onStateChange = config.onStateChange;
  }

  /** Re-reads a shared store's state of `endpoints` (at most every `refreshMs`; concurrent callers share one read). */
  async refresh(endpoints: readonly string[]): Promise<void> {
    if (!this.store.shared) return;
    if (this.#refreshing !== undefined) return this.#refreshing;
    if (this.#now() - this.#refreshedAt < this.#refreshMs) return;
    this.#refreshing = (async () => {
      try {
        const now = this.#now();
        const views = await this.store.views(endpoints, now, this.settings);
        endpoints.forEach((endpoint, index) => this.#views.set(endpoint, views[index]!));
        this.#refreshedAt = now;
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  /** The state of an endpoint as last seen, with an elapsed cool-down read as half-open. */
  state(endpoint: string): CircuitState {
    const view = this.#views.get(endpoint);
    if (view === undefined || view.state === 'closed') return 'closed';
    if (view.state === 'open' && view.openUntil !== null && this.#now() >= view.openUntil) return 'half_open';
    return view.state;
  }

  /** When an open endpoint starts taking probes (epoch ms), or null. */
  openUntil(endpoint: string): number | null {
    return this.state(endpoint) === 'open' ? (this.#views.get(endpoint)?.openUntil ?? null) : null;
  }

  /** Whether any endpoint is open right now. */
  hasOpen(): boolean {
    for (const endpoint of this.#views.keys()) if (this.state(endpoint) === 'open') return true;
    return false;
  }

  /**
   * Asks to call an endpoint. A closed circuit admits without asking the store (a shared store was
   * read before routing); an open or half-open one asks the store, which bounds the probes.
   */
  async admit(endpoint: string): Promise<Admission> {
    if (this.state(endpoint) === 'closed') return { allowed: true, probe: false, state: 'closed' };
    const admission = await this.store.admit(endpoint, this.#now(), this.settings);
    if (!admission.allowed && admission.state === 'open') {
      const current = this.#views.get(endpoint);
      if (current?.state !== 'open') this.#views.set(endpoint, { state: 'open', openUntil: this.#now() + this.settings.openMs });
    }
    return admission;
  }

  /** Counts a finished call; the state after it becomes this instance's view at once. */
  async record(endpoint: string, outcome: CallOutcome): Promise<CircuitState> {
    const before = this.state(endpoint);
    const view = await this.store.record(endpoint, outcome, this.#now(), this.settings);
    this.#views.set(endpoint, view);
    if (view.state !== before) this.#onStateChange?.(endpoint, before, view.state);
    return view.state;
  }
}
