import { createUpstreamCall, Engine, engineOptionsShape, featureOptionsShape, ModelCatalog, type EngineOptions } from '@routekit/core';
import type { RouterConfig } from './router-config.js';

export type { RouterConfig } from './router-config.js';

/** Every key core validates for the engine and its features: each one the config sets is passed on, none dropped. */
const engineKeys = [...Object.keys(featureOptionsShape), ...Object.keys(engineOptionsShape)] as Array<keyof EngineOptions & keyof RouterConfig>;

/** Builds the engine a server adapter runs on from its (validated) config: upstream client, catalog, features. */
export function createEngine(config: RouterConfig): Engine {
  const providers = config.providers ?? [];
  const passed = Object.fromEntries(engineKeys.filter((key) => config[key] !== undefined).map((key) => [key, config[key]])) as Partial<EngineOptions>;
  return new Engine({
    ...passed,
    // Durable keys' own rate and spend limits; a ready `engine` must be given keyManagement.middleware itself.
    ...(config.keyManagement !== undefined && { middleware: [...config.keyManagement.middleware, ...(passed.middleware ?? [])] }),
    call: createUpstreamCall({ providers, ...(config.keyManagement?.providerKeys && { providerKeys: config.keyManagement.providerKeys }) }),
    catalog: new ModelCatalog({ ...(config.models && { models: config.models }), providers: providers.map((provider) => provider.id) }),
  });
}
