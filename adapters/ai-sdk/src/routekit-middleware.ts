import type { LanguageModelV4, LanguageModelV4Middleware } from '@ai-sdk/provider';
import { ConfigurationError, createInProcessEngine, type Engine, type EngineMiddleware, type FeatureOptions, featureOptionsShape, featureStack, MemoryReceiptStore, ModelCatalog, type ModelInfo, parseAdapterOptions, type ReceiptStore } from '@routekit/core';
import { callDelegate, generateThroughEngine, streamThroughEngine } from './run-through-engine.js';

export interface RoutekitMiddlewareOptions extends FeatureOptions {
  /** The catalog id of the wrapped model, for prices and receipts; by default `<provider>/<modelId>`, e.g. `openai/gpt-4.1-mini` for `openai.chat('gpt-4.1-mini')`. */
  catalogId?: string;
  /** Catalog entries for ids the shipped catalog does not know. */
  catalog?: ModelInfo[];
  /** The model receipts compare costs against (what the app used before); the wrapped model when omitted. */
  defaultModel?: string;
  /** Where finished receipts go; process memory when omitted. */
  receipts?: ReceiptStore;
  /** Attempts per call; with one model there is nothing to fall back to, so this only exists for parity. Default 3. */
  maxAttempts?: number;
  /** Engine middleware of your own, after the built-in features. */
  middleware?: EngineMiddleware[];
}

/**
 * PII redaction, cache, rate and spend limits and receipts around one model, for
 * `wrapLanguageModel`: no routing, the wrapped model always answers. The receipt is in
 * `providerMetadata.routekit`.
 *
 * @example
 * const model = wrapLanguageModel({ model: openai.chat('gpt-4.1-mini'), middleware: routekitMiddleware({ pii: true, cache: true }) });
 */
export function routekitMiddleware(options: RoutekitMiddlewareOptions = {}): LanguageModelV4Middleware {
  const config = parseAdapterOptions(options, ['catalogId', 'catalog'], 'routekitMiddleware');
  if (config.catalogId !== undefined && typeof config.catalogId !== 'string') throw new ConfigurationError('catalogId must be a catalog id such as "openai/gpt-4.1-mini".', { key: 'catalogId' });
  // One set of features (caches, counters) and one receipt store for every model this middleware wraps.
  const { middleware, catalogId, catalog, receipts, ...rest } = config;
  const features = Object.fromEntries(Object.entries(rest).filter(([key]) => Object.hasOwn(featureOptionsShape, key))) as FeatureOptions;
  const engineOptions = Object.fromEntries(Object.entries(rest).filter(([key]) => !Object.hasOwn(featureOptionsShape, key)));
  const shared = { ...engineOptions, catalog, receipts: receipts ?? new MemoryReceiptStore(), middleware: [...featureStack(features, { inProcess: true }), ...(middleware ?? [])] };
  const known = new ModelCatalog(catalog ? { models: catalog } : {});
  const engines = new Map<string, Engine>();

  function engineFor(model: LanguageModelV4): { engine: Engine; id: string } {
    const id = catalogId ?? `${model.provider.split('.')[0]}/${model.modelId}`;
    if (known.get(id) === undefined) {
      throw new ConfigurationError(`routekitMiddleware: "${id}" is not in the catalog; set \`catalogId\` to a catalog id such as "openai/gpt-4.1-mini", or describe the model under \`catalog\`.`, { key: 'catalogId' });
    }
    let engine = engines.get(id);
    if (engine === undefined) engines.set(id, (engine = createInProcessEngine<LanguageModelV4>({ ...shared, models: { [id]: model }, call: callDelegate }, { adapter: 'routekitMiddleware' })));
    return { engine, id };
  }

  return {
    specificationVersion: 'v4',
    wrapGenerate({ params, model }) {
      const { engine, id } = engineFor(model);
      return generateThroughEngine(engine, id, params, model);
    },
    wrapStream({ params, model }) {
      const { engine, id } = engineFor(model);
      return streamThroughEngine(engine, id, params, model);
    },
  };
}
