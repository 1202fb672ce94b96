import { NotFoundError, type Engine } from '@routekit/core';

/** GET /v1/models: OpenAI's model list, each entry extended with prices, capabilities and live latency. */
export function modelsResponse(engine: Engine): { object: 'list'; data: unknown[] } {
  const created = 1_700_000_000;
  const routers = [
    { id: 'auto', object: 'model', created, owned_by: 'routekit', 'x-routekit': { kind: 'router', description: 'cheapest capable model meeting the routing hints' } },
  ];
  const models = engine.catalog.routable().map((model) => {
    const live = engine.latency.get(model.id);
    return {
      id: model.id,
      object: 'model',
      created,
      owned_by: model.provider,
      'x-routekit': {
        kind: 'model',
        pricing: { input_per_million_usd: model.inputPricePerMillion, output_per_million_usd: model.outputPricePerMillion },
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
  });
  return { object: 'list', data: [...routers, ...models] };
}

/** GET /v1/models/{id}: one entry of the list, or 404 `model_not_found` for an id it does not hold. */
export function modelResponse(engine: Engine, id: string): unknown {
  const found = modelsResponse(engine).data.find((model) => (model as { id: string }).id === id);
  if (found === undefined) throw new NotFoundError('No routable model with this id; GET /v1/models lists them.', { code: 'model_not_found', param: 'model' });
  return found;
}
