import { createUpstreamCall, Engine, ModelCatalog, type FeatureOptions } from '@routekit/core';
import type { RouterConfig } from './router-config.js';

export type { RouterConfig } from './router-config.js';

/** Builds the engine a server adapter runs on from its (validated) config: upstream client, catalog, features. */
export function createEngine(config: RouterConfig): Engine {
  const providers = config.providers ?? [];
  return new Engine({
    ...pickFeatures(config),
    call: createUpstreamCall({ providers }),
    catalog: new ModelCatalog({ ...(config.models && { models: config.models }), providers: providers.map((provider) => provider.id) }),
    ...(config.defaultModel !== undefined && { defaultModel: config.defaultModel }),
    ...(config.middleware && { middleware: config.middleware }),
    ...(config.receipts && { receipts: config.receipts }),
    ...(config.maxAttempts !== undefined && { maxAttempts: config.maxAttempts }),
    ...(config.resilience && { resilience: config.resilience }),
  });
}

function pickFeatures({ rateLimits, pii, cache, spendLimits, store }: FeatureOptions): FeatureOptions {
  return { rateLimits, pii, cache, spendLimits, store };
}
