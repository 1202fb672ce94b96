import { InvalidRequestError, parseModelSelector, type Engine, type ModelInfo } from '@routekit/core';

const created = 1_700_000_000;

/** GET /v1/models: OpenAI's model list, each entry extended with prices, capabilities and live latency; embedding models after the chat models. */
export function modelsResponse(engine: Engine): { object: 'list'; data: unknown[] } {
  const routers = [routerEntry('auto', 'cheapest capable model meeting the routing hints')];
  const models = engine.catalog.routable().map((model) => modelEntry(engine, model));
  const embeddings = engine.catalog.embeddingModels().map((model) => modelEntry(engine, model));
  return { object: 'list', data: [...routers, ...models, ...embeddings] };
}

/**
 * GET /v1/models/{id}: every name chat accepts: routers (`auto`, `router-…`, `router@…`), catalog
 * ids, bare names and aliases (`gpt-4.1-mini`), embedding models, and `provider/any-name` of a
 * configured provider (`price_unknown`). Anything else is a 404 that says why.
 */
export function modelResponse(engine: Engine, id: string): unknown {
  const selector = parseModelSelector(id);
  if (selector.kind === 'auto') return routerEntry(id, 'cheapest capable model meeting the routing hints');
  if (selector.kind === 'threshold' && engine.router.scorerNames().includes(selector.scorer)) return routerEntry(id, `the ${selector.scorer} scorer between a strong and a weak model at threshold ${selector.threshold}`);
  if (selector.kind === 'weighted') return routerEntry(id, 'the model maximising predicted quality minus the weighted cost and latencies');
  if (selector.kind !== 'explicit') throw new InvalidRequestError(`Unknown router scorer "${selector.scorer.slice(0, 40)}"; available: ${engine.router.scorerNames().join(', ')}.`, { code: 'model_not_found', param: 'model', status: 404 });
  const model = engine.catalog.resolve(id);
  if (!engine.catalog.serves(model)) throw new InvalidRequestError(`The provider "${model.provider}" of ${model.id} is not configured on this gateway.`, { code: 'model_not_found', param: 'model', status: 404 });
  return modelEntry(engine, model);
}

function routerEntry(id: string, description: string): unknown {
  return { id, object: 'model', created, owned_by: 'routekit', 'x-routekit': { kind: 'router', description } };
}

function modelEntry(engine: Engine, model: ModelInfo): unknown {
  const base = { id: model.id, object: 'model', created, owned_by: model.provider };
  if (model.priceUnknown === true) {
    return { ...base, 'x-routekit': { kind: 'pass_through', price_unknown: true, description: `not in the catalog: sent to provider ${model.provider} as ${model.upstreamModel}, never chosen by routing` } };
  }
  const pricing = {
    input_per_million_usd: model.inputPricePerMillion,
    output_per_million_usd: model.outputPricePerMillion,
    ...(model.cachedInputPricePerMillion !== undefined && { cached_input_per_million_usd: model.cachedInputPricePerMillion }),
    ...(model.cacheWritePricePerMillion !== undefined && { cache_write_per_million_usd: model.cacheWritePricePerMillion }),
  };
  if (model.kind === 'embedding') {
    return { ...base, 'x-routekit': { kind: 'embedding', pricing: { input_per_million_usd: model.inputPricePerMillion }, dimensions: model.dimensions ?? null, context_window: model.contextWindow } };
  }
  const live = engine.latency.get(model.id);
  return {
    ...base,
    'x-routekit': {
      kind: 'model',
      pricing,
      context_window: model.contextWindow,
      max_output_tokens: model.maxOutputTokens,
      capabilities: { tools: model.capabilities.tools, vision: model.capabilities.vision, json_mode: model.capabilities.jsonMode },
      quality: model.quality,
      latency: {
        source: live === undefined ? 'catalog' : 'measured',
        samples: live?.samples ?? 0,
        time_to_first_token_ms: Math.round(engine.latency.expectedTimeToFirstTokenMs(model)),
        inter_token_ms: Math.round(engine.latency.expectedInterTokenMs(model) * 100) / 100,
      },
      health: engine.health(model),
    },
  };
}
