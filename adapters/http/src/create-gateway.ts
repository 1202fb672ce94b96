import { createEngine } from './create-engine.js';
import { providersOrDemo } from './demo-upstream.js';
import { createHttpBridge, type HttpBridge } from './http-bridge.js';
import { validateRouterConfig, type RouterConfig } from './router-config.js';

/**
 * What `routerMiddleware(config?)` runs on, for every server adapter: validates the config at once
 * (a bad key throws here, at startup), builds the engine, and with neither `engine` nor
 * `providers` reads providers from the environment as `npm start` does, falling back to the
 * labelled demo mode. The demo's mock upstream starts asynchronously; requests wait for it.
 *
 * @example
 * const bridge = createGateway(); // environment providers, or demo mode
 */
export function createGateway(config: RouterConfig = {}): HttpBridge {
  const valid = validateRouterConfig(config);
  if (valid.engine !== undefined || valid.providers !== undefined) return createHttpBridge({ ...valid, engine: valid.engine ?? createEngine(valid) });
  const ready = providersOrDemo().then(({ providers, models, defaultModel }) =>
    createHttpBridge({ ...valid, engine: createEngine({ ...valid, providers, models: [...models, ...(valid.models ?? [])], defaultModel: valid.defaultModel ?? defaultModel }) }),
  );
  // A failure surfaces on the first request; until then it must not be an unhandled rejection.
  ready.catch(() => undefined);
  return { handle: async (request, response, body) => (await ready).handle(request, response, body) };
}
