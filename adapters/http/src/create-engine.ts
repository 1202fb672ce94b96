import { createUpstreamCall, Engine, ModelCatalog, type EngineMiddleware, type FeatureOptions, type ModelInfo, type ProviderConfig, type ReceiptStore } from '@routekit/core';
import type { HttpBridgeOptions } from './http-bridge.js';

/** Everything `routerMiddleware(config)` accepts: the engine's parts and the HTTP API's. */
export interface RouterConfig extends Omit<HttpBridgeOptions, 'engine'>, FeatureOptions {
  /** A ready engine; when given, the engine fields below are ignored. */
  engine?: Engine;
  /** The providers to call; only their models are routable. */
  providers?: ProviderConfig[];
  /** Models to add to the shipped catalog (e.g. a local server's). */
  models?: ModelInfo[];
  /** The model receipts compare costs against, e.g. `openai/gpt-4.1`. */
  defaultModel?: string;
  /** Features on the request path, outermost first. */
  middleware?: EngineMiddleware[];
  /** Where receipts are kept; process memory when omitted. */
  receipts?: ReceiptStore;
}

/** Builds the engine a server adapter runs on from its config: upstream client, catalog, features. */
export function createEngine(config: RouterConfig): Engine {
  const providers = config.providers ?? [];
  return new Engine({
    ...pickFeatures(config),
    call: createUpstreamCall({ providers }),
    catalog: new ModelCatalog({ ...(config.models && { models: config.models }), providers: providers.map((provider) => provider.id) }),
    ...(config.defaultModel !== undefined && { defaultModel: config.defaultModel }),
    ...(config.middleware && { middleware: config.middleware }),
    ...(config.receipts && { receipts: config.receipts }),
  });
}

function pickFeatures({ rateLimits, pii, cache, spendLimits, store }: FeatureOptions): FeatureOptions {
  return { rateLimits, pii, cache, spendLimits, store };
}
