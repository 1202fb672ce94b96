import Koa from 'koa';
import { routerMiddleware } from '@routekit/koa';

export interface KoaGatewayOptions {
  /** Leave out the access log (tests). */
  quiet?: boolean;
}

/**
 * A Koa 3 app with routekit mounted as one middleware among the app's own: the OpenAI-compatible
 * API under /v1, the app's routes beside it. `routerMiddleware` gets no providers, so it reads them
 * from the environment as `npm start` does (OPENAI_API_KEY, ANTHROPIC_API_KEY, ...) and, with none
 * set, starts in demo mode on the built-in mock upstream with a warning.
 */
export function createKoaGateway(options: KoaGatewayOptions = {}): Koa {
  const app = new Koa();
  app.use(async function accessLog(context, next) {
    const started = performance.now();
    await next();
    // Method, path, status and time only: prompts and keys never reach the log.
    if (options.quiet !== true) console.log(`${context.method} ${context.path} ${context.status} ${(performance.now() - started).toFixed(1)} ms`);
  });
  app.use(routerMiddleware({ pii: true, cache: true }));
  app.use(async function home(context) {
    if (context.method !== 'GET' || context.path !== '/') return;
    context.type = 'text/plain';
    context.body = 'routekit on Koa: POST /v1/chat/completions, GET /v1/models, GET /v1/receipts/:id\n';
  });
  return app;
}
