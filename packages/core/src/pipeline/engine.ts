import { LatencyTracker } from '../catalog/latency-tracker.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ModelInfo } from '../catalog/model-info.js';
import { RoutekitError } from '../errors.js';
import { round } from '../receipts/account-usage.js';
import { MemoryReceiptStore, type ReceiptStore } from '../receipts/receipt-store.js';
import { Router } from '../routing/router.js';
import type { ChatResult } from './chat-result.js';
import { compose } from './compose.js';
import { createExchange } from './create-exchange.js';
import type { EngineMiddleware, ModelCall } from './engine-middleware.js';
import type { Exchange, ExchangeInput } from './exchange.js';
import { executeCandidates } from './execute-candidates.js';
import { featureStack, type FeatureOptions } from './feature-stack.js';
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
  /** How many ranked candidates one request may try before it fails. Default 3. */
  maxAttempts?: number;
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
  readonly #options: EngineOptions;
  readonly #middleware: EngineMiddleware[];

  constructor(options: EngineOptions) {
    this.#options = options;
    this.catalog = options.router?.catalog ?? options.catalog ?? new ModelCatalog();
    this.router = options.router ?? new Router({ catalog: this.catalog, latency: new LatencyTracker() });
    this.latency = this.router.latency;
    this.receipts = options.receipts ?? new MemoryReceiptStore();
    this.defaultModel = options.defaultModel === undefined ? undefined : this.catalog.resolve(options.defaultModel);
    this.#middleware = [...featureStack(options), ...(options.middleware ?? [])];
  }

  createExchange(input: ExchangeInput): Exchange {
    return createExchange(input);
  }

  /**
   * Runs an exchange. A stream result finishes its receipt when the stream ends; a failure
   * finishes it with the error and is rethrown for the adapter to translate.
   */
  async run(exchange: Exchange): Promise<ChatResult> {
    const wrappers = this.#middleware.flatMap((feature) => (feature.wrapRequest ? [(next: () => Promise<ChatResult>) => feature.wrapRequest!(exchange, next)] : []));
    const run = compose(wrappers, () => this.#routeAndCall(exchange));
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

  async #routeAndCall(exchange: Exchange): Promise<ChatResult> {
    const decision = this.router.decide(exchange.request, exchange.hints);
    exchange.decision = decision;
    const { receipt } = exchange;
    receipt.strategy = decision.strategy;
    receipt.reason = decision.reason;
    receipt.candidates = [
      ...decision.candidates.map((candidate) => ({
        model: candidate.model.id,
        score: candidate.score,
        ...(candidate.predictedQuality !== undefined && { predicted_quality: candidate.predictedQuality }),
        estimated_cost_usd: round(candidate.estimatedCostUsd),
        eligible: true,
      })),
      ...decision.rejected.map((rejected) => ({ model: rejected.model.id, score: 0, estimated_cost_usd: 0, eligible: false, rejected_because: rejected.reason })),
    ];
    const callWrappers = this.#middleware.filter((feature) => feature.wrapCall !== undefined);
    return executeCandidates({
      exchange,
      candidates: decision.candidates.slice(0, this.#options.maxAttempts ?? 3).map((candidate) => candidate.model),
      call: (attempt, signal) => compose(callWrappers.map((feature) => (next: () => Promise<ChatResult>) => feature.wrapCall!(attempt, next)), () => this.#options.call(attempt, signal))(),
      latency: this.latency,
      defaultModel: this.defaultModel,
    });
  }

  async #finish(exchange: Exchange, error?: unknown): Promise<void> {
    const { receipt } = exchange;
    if (receipt.attempts.length === 0) receipt.routing_overhead_ms = elapsed(exchange.startedAt);
    if (error !== undefined) {
      const aborted = exchange.signal.aborted;
      receipt.status = aborted ? 'aborted' : 'error';
      receipt.error = error instanceof RoutekitError ? { status: error.status, code: error.code } : { status: aborted ? 499 : 500, code: aborted ? 'client_closed' : 'internal_error' };
    }
    await this.receipts.put(receipt);
  }
}

export function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 1000) / 1000;
}
