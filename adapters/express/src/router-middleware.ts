import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createGateway, type RouterConfig } from '@routekit/http';

/**
 * The OpenAI-compatible gateway as Express 5 middleware: POST /v1/chat/completions (JSON and SSE),
 * GET /v1/models, GET /v1/models/{id}, GET /v1/receipts/{id}, and OpenAI's JSON 404 for any other
 * /v1 path; other paths pass through to the app. The config is validated here, at startup. With no
 * config (or no `providers`), providers come from the environment, else demo mode.
 *
 * @example
 * const app = express();
 * app.use(routerMiddleware()); // OPENAI_API_KEY etc. from the environment
 * app.use(routerMiddleware({ providers: [{ id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey }] }));
 */
export function routerMiddleware(config?: RouterConfig): RequestHandler {
  const bridge = createGateway(config);
  return function routekit(request: Request, response: Response, next: NextFunction): void {
    bridge.handle(request, response, request.body).then((handled) => handled || next(), next);
  };
}
