import type { Middleware } from 'koa';
import { createGateway, type RouterConfig } from '@routekit/http';

/**
 * The OpenAI-compatible gateway as Koa 3 middleware: POST /v1/chat/completions (JSON and SSE),
 * GET /v1/models, GET /v1/models/{id}, GET /v1/receipts/{id}, and OpenAI's JSON 404 for any other
 * /v1 path; other paths go on to the next middleware. The config is validated here, at startup.
 * With no config (or no `providers`), providers come from the environment, else demo mode.
 *
 * @example
 * const app = new Koa();
 * app.use(routerMiddleware()); // OPENAI_API_KEY etc. from the environment
 * app.use(routerMiddleware({ providers: [{ id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey }] }));
 */
export function routerMiddleware(config?: RouterConfig): Middleware {
  const bridge = createGateway(config);
  return async function routekit(context, next) {
    // The bridge writes to Node's response itself, so Koa must not respond again.
    const body = (context.request as { body?: unknown }).body;
    context.respond = false;
    const handled = await bridge.handle(context.req, context.res, body);
    if (!handled) {
      context.respond = true;
      await next();
    }
  };
}
