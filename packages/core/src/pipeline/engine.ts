import { LatencyTracker } from '../catalog/latency-tracker.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ModelInfo } from '../catalog/model-info.js';
import { InvalidRequestError, RoutekitError } from '../errors.js';
import type { FeedbackResult } from '../learning/feedback.js';
import { resolveLearning, type Learning, type LearningOptions } from '../learning/learning-options.js';
import { createOutcomeFeaturizer, encodeSparseFeatures, outcomeFeaturizerKey } from '../learning/outcome-features.js';
import { recordFeedback } from '../learning/record-feedback.js';
import { createSampledJudging, type SampledJudging } from '../learning/sampled-judging.js';
import type { PromptFeaturizer } from '../routing/prompt-features.js';
import { scoredText } from '../routing/quality-scorer.js';
import { planCandidates, resolveConfiguredFallbacks } from '../resilience/candidate-plan.js';
import { CircuitOpenError } from '../resilience/circuit-open-error.js';
import { Deadline } from '../resilience/deadline.js';
import { endpointHealth, type EndpointHealth } from '../resilience/endpoint-health.js';
import { takeRequestResilience } from '../resilience/request-resilience.js';
import { createResilience, type Resilience, type ResilienceOptions } from '../resilience/resilience-options.js';
import { round } from '../receipts/account-usage.js';
import type { Receipt } from '../receipts/receipt.js';
import { MemoryReceiptStore, type ReceiptStore } from '../receipts/receipt-store.js';
import { readRouterFiles } from '../routing/read-router-files.js';
import type { RouterFile } from '../routing/router-file.js';
import { Router } from '../routing/router.js';
import type { ChatResult } from './chat-result.js';
import { compose } from './compose.js';
import { createExchange } from './create-exchange.js';
import type { EngineMiddleware, ModelCall } from './engine-middleware.js';
import type { Exchange, ExchangeInput } from './exchange.js';
import { executeCandidates } from './execute-candidates.js';
import { featureStack, type FeatureOptions } from './feature-registry.js';
import { finishStream } from './finish-stream.js';

export interface EngineOptions extends FeatureOptions {
  /** Calls one model: the upstream HTTP client for a gateway, a framework's own model in-process. */
  call: ModelCall;
  /** The models to route between; the shipped catalog when omitted. */
  catalog?: ModelCatalog;
  /** The router; one over `catalog` when omitted. */
  router?: Router;
  /** Middleware of your own, after the built-in features (outermost first). */
  middleware?: EngineMiddleware[];
  /** The model receipts compare costs against, e.g. `openai/gpt-4.1`: what the app used before. */
  defaultModel?: string;
  /** Where finished receipts go; process memory when omitted. */
  receipts?: ReceiptStore;
  /** How many ranked candidates one request may try before it fails (its own `x-fallback-chain` may add more). Default 3. */
  maxAttempts?: number;
  /** Attempt policy (timeouts, deadline, retries), fallback chains, circuit breakers and where their state lives. */
  resilience?: ResilienceOptions;
  /** Trained routers (files from `routekit train`, or their contents), usable as `router-<name>-<threshold>`. */
  routers?: ReadonlyArray<string | RouterFile>;
  /** Called with every finished receipt: request logs, metrics, exporters (in-process adapters' too). */
  onReceipt?: ReadonlyArray<(receipt: Receipt) => void>;
  /**
   * Routing that learns from this deployment's outcomes: each request the `default` router decides
   * keeps its prompt features (never the text) for feedback (`engine.feedback`, `POST /v1/feedback`),
   * and a promoted learned router answers for `default`. `true` for memory; off by default.
   */
  learning?: LearningOptions | boolean;
  /** Set by createInProcessEngine: the engine runs inside an app, so limit errors speak of the app, not a gateway. */
  inProcess?: boolean;
}

/**
 * The framework-free core: takes a request, runs it through the features, routes it, calls the
 * chosen model (falling back down the ranking on failure) and writes the receipt.
 *
 * @example
 * const engine = new Engine({ call: createUpstreamCall({ providers }), defaultModel: 'openai/gpt-4.1' });
 * const exchange = engine.createExchange({ request });
 * const result = await engine.run(exchange);
 */
export class Engine {
  readonly catalog: ModelCatalog;
  readonly router: Router;
  readonly latency: LatencyTracker;
  readonly receipts: ReceiptStore;
  readonly defaultModel: ModelInfo | undefined;
  /** The outcome store and the active learned router, when `learning` is on. */
  readonly learning: Learning | undefined;
  readonly #options: EngineOptions;
  #featurizer: PromptFeaturizer | undefined;
  readonly #judging: SampledJudging | undefined;
  /** The features and middleware that wrap a whole request, and those that wrap each call (outermost first). */
  readonly #requestWrappers: EngineMiddleware[];
  readonly #callWrappers: EngineMiddleware[];
  readonly #receiptListeners: Array<(receipt: Receipt) => void>;
  readonly #resilience: Resilience;
  readonly #fallbacks: Map<string, ModelInfo[]>;
  readonly #inFlight = new Set<Promise<void>>();
  /** The deadlines of the requests and streams still running, so that a shutdown can end them. */
  readonly #running = new Set<Deadline>();
  #pendingRuns = 0;
  #idle: (() => void)[] = [];

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#receiptListeners = [...(options.onReceipt ?? [])];
    this.catalog = options.router?.catalog ?? options.catalog ?? new ModelCatalog();
    this.learning = resolveLearning(options.learning);
    this.router = options.router ?? new Router({ catalog: this.catalog, latency: new LatencyTracker(), scorers: readRouterFiles(options.routers ?? []), ...(this.learning && { active: this.learning.router, ...(this.learning.quality && { quality: this.learning.quality }) }) });
    this.latency = this.router.latency;
    this.receipts = options.receipts ?? new MemoryReceiptStore();
    this.defaultModel = options.defaultModel === undefined ? undefined : this.catalog.resolve(options.defaultModel);
    this.#judging = this.learning?.judging === undefined ? undefined : createSampledJudging(this.learning.judging, { catalog: this.catalog, call: options.call, outcomes: this.learning.outcomes });
    const middleware = [...featureStack(options, { inProcess: options.inProcess === true }), ...(options.middleware ?? [])];
    this.#requestWrappers = middleware.filter((feature) => feature.wrapRequest !== undefined);
    this.#callWrappers = middleware.filter((feature) => feature.wrapCall !== undefined);
    this.#resilience = createResilience(options.resilience);
    this.#fallbacks = resolveConfiguredFallbacks(options.resilience?.fallbacks, this.catalog);
    const breaker = this.#resilience.breaker;
    if (breaker !== undefined) this.latency.setAvailability((modelId) => (breaker.state(modelId) === 'open' ? 'circuit_open' : undefined));
  }

  /** Adds a listener for finished receipts (a gateway's request log and metrics). */
  onReceipt(listener: (receipt: Receipt) => void): void {
    this.#receiptListeners.push(listener);
  }

  /**
   * Starts an exchange. `x-fallback-chain` and `x-routekit-deadline-ms` are taken from the body (or
   * the headers of those names) into `options`, so they never reach the provider.
   */
  createExchange(input: ExchangeInput): Exchange {
    const { request, resilience } = takeRequestResilience(input.request, input.headers ?? {});
    const options = { ...resilience, ...input.options };
    const { maxDeadlineMs } = this.#resilience.policy;
    if (options.deadlineMs !== undefined && options.deadlineMs > maxDeadlineMs) {
      throw new InvalidRequestError(`x-routekit-deadline-ms must be at most ${maxDeadlineMs}.`, { code: 'invalid_deadline', param: 'x-routekit-deadline-ms' });
    }
    return createExchange({ ...input, request, options });
  }

  /**
   * Feedback on an answer, by its receipt's request id: `{ request_id, score }` (0..1) or
   * `{ request_id, thumbs: 'up' | 'down' }`, optionally the `model` scored when the app compared
   * answers. Only the tenant that made the request may score it; the last score per model counts.
   */
  async feedback(input: unknown, tenant = 'default'): Promise<FeedbackResult> {
    if (this.learning === undefined) {
      throw new InvalidRequestError('Feedback needs learning: set the `learning` option (e.g. `learning: true`, or a SQL outcome store on a gateway).', { code: 'learning_off', param: null });
    }
    const result = await recordFeedback(input, tenant, { receipts: this.receipts, outcomes: this.learning.outcomes });
    // auto's learned quality catches up in the background, at most every refresh interval.
    this.learning.quality?.refreshSoon(this.learning.outcomes);
    return result;
  }

  /** Live health of a model: moving averages of latency, time to first token and errors, and its circuit. */
  health(model: ModelInfo): EndpointHealth {
    return endpointHealth(model, this.latency, this.#resilience.breaker);
  }

  /** Re-reads a shared breaker store (Redis) so that `health()` shows the state every instance sees. */
  async refreshHealth(): Promise<void> {
    await this.#resilience.breaker?.refresh(this.catalog.routable().map((model) => model.id));
  }

  /** Requests (and streams) still running. */
  get inFlight(): number {
    return this.#pendingRuns;
  }

  /**
   * Resolves once every running request and stream has finished and its receipt is stored, or after
   * `timeoutMs`; for a graceful shutdown. Resolves `true` when everything finished.
   */
  async drain(timeoutMs = 30_000): Promise<boolean> {
    if (this.#pendingRuns === 0) {
      await Promise.all(this.#inFlight);
      return true;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finished = await Promise.race([
      new Promise<boolean>((resolve) => this.#idle.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    await Promise.all(this.#inFlight);
    return finished;
  }

  /**
   * Ends every running request and stream now with `reason`, as a passed deadline would: a stream
   * past its first token ends with the error event, every receipt is finished with the error and
   * the usage so far, and limits are settled. Returns how many were running. For a shutdown whose
   * drain time is over; `drain` then waits for their receipts.
   */
  cut(reason: Error): number {
    const running = this.#running.size;
    for (const deadline of this.#running) deadline.end(reason);
    return running;
  }

  /** Closes what the engine opened itself: a shared breaker store's connection. */
  async close(): Promise<void> {
    await this.#resilience.breaker?.store.close?.();
  }

  /**
   * Runs an exchange. A stream result finishes its receipt when the stream ends; a failure
   * finishes it with the error and is rethrown for the adapter to translate.
   */
  async run(exchange: Exchange): Promise<ChatResult> {
    const deadline = new Deadline(exchange.options.deadlineMs ?? this.#resilience.policy.deadlineMs, exchange.startedAt);
    exchange.receipt.deadline_ms = deadline.milliseconds;
    this.#pendingRuns += 1;
    exchange.state.set(deadlineKey, deadline);
    this.#running.add(deadline);
    const wrappers = this.#requestWrappers.map((feature) => (next: () => Promise<ChatResult>) => feature.wrapRequest!(exchange, next));
    const run = compose(wrappers, () => this.#routeAndCall(exchange, deadline));
    let result: ChatResult;
    try {
      result = await run();
    } catch (error) {
      await this.#finish(exchange, error);
      throw error;
    }
    if (result.type === 'response') {
      await this.#finish(exchange);
      return result;
    }
    return { type: 'stream', stream: finishStream(result.stream, (error) => this.#finish(exchange, error)) };
  }

  async #routeAndCall(exchange: Exchange, deadline: Deadline): Promise<ChatResult> {
    const breaker = this.#resilience.breaker;
    // Only a shared store (Redis) has state to fetch; the default in-memory breaker is always current.
    if (breaker?.store.shared === true) await breaker.refresh(this.catalog.routable().map((model) => model.id));
    const decision = this.#decide(exchange);
    const plan = planCandidates({
      decision,
      catalog: this.catalog,
      request: exchange.request,
      hints: exchange.hints,
      latency: this.latency,
      requestChain: exchange.options.fallbackChain,
      configured: this.#fallbacks,
      maxCandidates: this.#options.maxAttempts ?? 3,
      fallback: exchange.options.fallback !== false,
    });
    decision.rejected.push(...plan.rejected);
    exchange.decision = decision;
    const { receipt } = exchange;
    receipt.strategy = decision.strategy;
    if (decision.routerVersion !== undefined) receipt.router_version = decision.routerVersion;
    receipt.reason = decision.reason;
    receipt.candidates = [];
    for (const candidate of decision.candidates) {
      const { model, score, predictedQuality } = candidate;
      const estimated = round(candidate.estimatedCostUsd);
      // Two literals rather than a conditional spread: this runs for every ranked model of every request.
      receipt.candidates.push(
        predictedQuality === undefined
          ? { model: model.id, score, estimated_cost_usd: estimated, eligible: true }
          : { model: model.id, score, predicted_quality: predictedQuality, estimated_cost_usd: estimated, eligible: true },
      );
    }
    for (const rejected of decision.rejected) receipt.candidates.push({ model: rejected.model.id, score: 0, estimated_cost_usd: 0, eligible: false, rejected_because: rejected.reason });
    if (plan.models.length === 0) {
      const open = plan.rejected.filter((rejected) => rejected.reason === 'circuit_open').map((rejected) => rejected.model.id);
      const until = open.map((id) => breaker?.openUntil(id) ?? null).filter((value): value is number => value !== null);
      throw new CircuitOpenError(open, until.length === 0 ? null : Math.max(1, Math.ceil((Math.min(...until) - Date.now()) / 1000)));
    }
    const callWrappers = this.#callWrappers;
    const result = await executeCandidates({
      exchange,
      candidates: plan.models,
      policy: this.#resilience.policy,
      deadline,
      ...(breaker && { breaker }),
      ...(this.#resilience.random && { random: this.#resilience.random }),
      ...(this.#resilience.hedging && { hedging: this.#resilience.hedging }),
      call: (attempt, signal) => compose(callWrappers.map((feature) => (next: () => Promise<ChatResult>) => feature.wrapCall!(attempt, next)), () => this.#options.call(attempt, signal))(),
      latency: this.latency,
      defaultModel: this.defaultModel,
    });
    return this.#judging === undefined ? result : keepAnswer(exchange, result);
  }

  /** Routes; when every capable model is set aside only because its circuit is open, says so with a 503. */
  #decide(exchange: Exchange): ReturnType<Router['decide']> {
    try {
      return this.router.decide(exchange.request, exchange.hints);
    } catch (error) {
      const breaker = this.#resilience.breaker;
      if (!(error instanceof InvalidRequestError) || error.code !== 'no_eligible_model' || breaker === undefined || !breaker.hasOpen()) throw error;
      const withoutBreakers = this.latency.ignoringAvailability(() => {
        try {
          return this.router.decide(exchange.request, exchange.hints);
        } catch {
          return undefined;
        }
      });
      if (withoutBreakers === undefined) throw error;
      const open = withoutBreakers.candidates.map((candidate) => candidate.model.id);
      const until = open.map((id) => breaker.openUntil(id)).filter((value): value is number => value !== null);
      throw new CircuitOpenError(open, until.length === 0 ? null : Math.max(1, Math.ceil((Math.min(...until) - Date.now()) / 1000)));
    }
  }

  async #finish(exchange: Exchange, error?: unknown): Promise<void> {
    const finishing = this.#finishReceipt(exchange, error);
    this.#inFlight.add(finishing);
    try {
      await finishing;
    } finally {
      this.#inFlight.delete(finishing);
      const deadline = exchange.state.get(deadlineKey) as Deadline | undefined;
      deadline?.dispose();
      if (deadline !== undefined) this.#running.delete(deadline);
      this.#pendingRuns -= 1;
      if (this.#pendingRuns === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  async #finishReceipt(exchange: Exchange, error?: unknown): Promise<void> {
    const { receipt } = exchange;
    if (receipt.attempts.length === 0) receipt.routing_overhead_ms = elapsed(exchange.startedAt);
    if (error !== undefined) {
      const aborted = exchange.signal.aborted;
      receipt.status = aborted ? 'aborted' : 'error';
      receipt.error = error instanceof RoutekitError ? { status: error.status, code: error.code } : { status: aborted ? 499 : 500, code: aborted ? 'client_closed' : 'internal_error' };
    }
    receipt.duration_ms = elapsed(exchange.startedAt);
    for (const listener of this.#receiptListeners) {
      try {
        listener(receipt);
      } catch {
        // A log line or a metric must never turn a served request into a failure.
      }
    }
    this.#prepareOutcome(exchange);
    this.#judging?.consider(exchange, exchange.state.get(answerKey) as string | undefined);
    await this.receipts.put(receipt);
  }

  /**
   * Keeps what a later outcome needs to train the router: the prompt features the router reads (of
   * the request as routed, so after PII redaction), hashed; never the text. Only for answered
   * requests the `default` router decided. A failure here never fails the request.
   */
  #prepareOutcome(exchange: Exchange): void {
    const { decision, receipt } = exchange;
    if (this.learning === undefined || decision?.routerVersion === undefined || decision.strongWinProbability === undefined || receipt.status !== 'ok') return;
    try {
      this.#featurizer ??= createOutcomeFeaturizer();
      const ranked = receipt.candidates.filter((candidate) => candidate.eligible);
      const costs: Record<string, number> = {};
      for (const candidate of ranked) costs[candidate.model] = candidate.estimated_cost_usd;
      void this.learning.outcomes.prepare({
        request_id: receipt.request_id,
        tenant: receipt.tenant,
        time: receipt.timestamp,
        router_version: decision.routerVersion,
        routed_score: decision.strongWinProbability,
        featurizer: outcomeFeaturizerKey,
        features: encodeSparseFeatures(this.#featurizer.extract(scoredText(exchange.request))),
        models: ranked.map((candidate) => candidate.model),
        costs,
        winner: receipt.winner,
      }).catch(() => undefined);
    } catch {
      // Learning is a side channel: the answer has gone out already.
    }
  }
}

const deadlineKey = 'routekit.deadline';
const answerKey = 'routekit.answer';

/**
 * Keeps the answer's text as the model gave it (inside PII restoration, so with placeholders) for
 * sampled judging; a stream's text is gathered as it passes and kept when it ends.
 */
function keepAnswer(exchange: Exchange, result: ChatResult): ChatResult {
  if (result.type === 'response') {
    exchange.state.set(answerKey, result.response.choices[0]?.message.content ?? '');
    return result;
  }
  const source = result.stream;
  return {
    type: 'stream',
    stream: (async function* () {
      let text = '';
      for await (const chunk of source) {
        text += chunk.choices?.[0]?.delta?.content ?? '';
        yield chunk;
      }
      exchange.state.set(answerKey, text);
    })(),
  };
}

export function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 1000) / 1000;
}
