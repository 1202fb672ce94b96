import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ModelInfo } from '../catalog/model-info.js';
import { ConfigurationError } from '../errors.js';
import { LatencyTracker } from '../catalog/latency-tracker.js';
import type { ReceiptStore } from '../receipts/receipt-store.js';
import type { ResilienceOptions } from '../resilience/resilience-options.js';
import { resolveLearning } from '../learning/learning-options.js';
import { readRouterFiles } from '../routing/read-router-files.js';
import { Router } from '../routing/router.js';
import type { ModelPair } from '../routing/threshold-strategy.js';
import type { ChatResult } from './chat-result.js';
import { Engine, type EngineOptions } from './engine.js';
import type { EngineMiddleware } from './engine-middleware.js';
import type { Attempt } from './exchange.js';
import type { FeatureOptions } from './feature-registry.js';

export interface InProcessEngineOptions<Delegate> extends FeatureOptions {
  /** The models to route between, by routekit id (`openai/gpt-4.1`): the framework's own model objects. */
  models: Readonly<Record<string, Delegate>>;
  /** Catalog entries (prices, capabilities, quality) for ids the shipped catalog does not know. */
  catalog?: ModelInfo[];
  /** Calls one delegate with the engine's (possibly redacted) request for this attempt. */
  call: (delegate: Delegate, attempt: Attempt, signal: AbortSignal) => Promise<ChatResult>;
  /** The model receipts compare costs against; the most expensive of `models` when omitted. */
  defaultModel?: string;
  /** Where finished receipts go; process memory when omitted. */
  receipts?: ReceiptStore;
  /** How many ranked candidates one request may try before it fails. Default 3. */
  maxAttempts?: number;
  /** The strong/weak pair `router-<scorer>-<threshold>` chooses between; default the highest-quality and the cheapest of `models`. */
  pair?: ModelPair;
  /** Middleware of your own, after the built-in features. */
  middleware?: EngineMiddleware[];
  /** Timeouts, same-model retries and circuit breakers; a delegate SDK's own retries add to `attempts.retries`. */
  resilience?: ResilienceOptions;
  /** Trained routers (files from `routekit train`, or their contents), usable as `router-<name>-<threshold>`. */
  routers?: EngineOptions['routers'];
  /** Called with every finished receipt (logs, metrics, exporters). */
  onReceipt?: EngineOptions['onReceipt'];
  /** Routing that learns from the app's feedback (`feedback()` on the adapter); off by default. */
  learning?: EngineOptions['learning'];
}

/** Which adapter builds the engine, so that its errors name the adapter and its options as the app wrote them. */
export interface InProcessAdapterNaming {
  /** The adapter's constructor or factory: `RoutedChatModel`, `RoutedLLM`, `createRoutekit`, `createRoutedClient`. */
  adapter: string;
  /** The option that maps ids to the framework's models. Default `models` (RoutedLLM's is `llms`). */
  modelsOption?: string;
}

/**
 * The engine behind every in-process adapter (AI SDK, LangChain, LlamaIndex, the OpenAI-style
 * client): the routable catalog is exactly the ids of `models`, and a call goes to the delegate
 * registered under the chosen id. Adapters only translate their framework's types around it.
 *
 * @example
 * const engine = createInProcessEngine({ models: { 'openai/gpt-4.1': gpt41, 'openai/gpt-4.1-mini': mini }, call: (model, attempt) => callFrameworkModel(model, attempt.request) });
 */
export function createInProcessEngine<Delegate>(options: InProcessEngineOptions<Delegate>, naming: InProcessAdapterNaming = { adapter: 'createInProcessEngine' }): Engine {
  const { adapter, modelsOption = 'models' } = naming;
  const ids = Object.keys(options.models);
  if (ids.length === 0) throw new ConfigurationError(`${adapter}: \`${modelsOption}\` must name at least one model, e.g. { "openai/gpt-4.1-mini": model }.`, { key: modelsOption });
  const shipped = new ModelCatalog();
  const extra = new Map((options.catalog ?? []).map((model) => [model.id, model]));
  for (const id of ids) {
    if (shipped.get(id) === undefined && !extra.has(id)) {
      throw new ConfigurationError(`${adapter}: ${modelsOption}["${id}"] is not in the shipped catalog; add its prices and capabilities under \`catalog\`, or use a catalog id such as "openai/gpt-4.1-mini".`, { key: `${modelsOption}.${id}` });
    }
  }
  // An app has no GET /v1/models: an unknown name is told what it can be instead.
  const describeUnroutable = (name: string) => `${adapter}: model "${clipped(name)}" is not one of \`${modelsOption}\` (${ids.join(', ')}); use one of those ids or a router string such as "auto", "router-lr-0.3" or "router@q:1|c:0.5".`;
  const catalog = new ModelCatalog({ ...(extra.size > 0 && { models: [...extra.values()] }), routableIds: ids, describeUnroutable });
  const delegates = new Map(Object.entries(options.models));
  const { models: _models, catalog: _catalog, call, pair, ...rest } = options;
  const routable = catalog.routable();
  const learning = resolveLearning(options.learning);
  const router = new Router({ catalog, latency: new LatencyTracker(), scorers: readRouterFiles(options.routers ?? []), pair: pair ?? { strong: strongest(routable).id, weak: cheapest(routable).id }, ...(learning && { active: learning.router, ...(learning.quality && { quality: learning.quality }) }) });
  return new Engine({
    ...rest,
    ...(learning && { learning }),
    router,
    defaultModel: options.defaultModel ?? mostExpensive(catalog.routable()).id,
    inProcess: true,
    call: (attempt, signal) => call(delegates.get(attempt.model.id)!, attempt, signal),
  });
}

/** A model name as quoted in a message: the app's own string, but bounded. */
function clipped(name: string): string {
  return name.length > 80 ? `${name.slice(0, 80)}…` : name;
}

function strongest(models: readonly ModelInfo[]): ModelInfo {
  return models.reduce((best, model) => (model.quality > best.quality || (model.quality === best.quality && price(model) > price(best)) ? model : best));
}

function cheapest(models: readonly ModelInfo[]): ModelInfo {
  return models.reduce((best, model) => (price(model) < price(best) ? model : best));
}

function mostExpensive(models: readonly ModelInfo[]): ModelInfo {
  return models.reduce((best, model) => (price(model) > price(best) ? model : best));
}

function price(model: ModelInfo): number {
  return model.inputPricePerMillion + model.outputPricePerMillion;
}
