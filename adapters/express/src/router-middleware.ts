import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createHttpBridge } from '@routekit/http';
import { createEngine, type RouterConfig } from '@routekit/http';

/**
 * The OpenAI-compatible gateway as Express 5 middleware: POST /v1/chat/completions (JSON and SSE),
 * GET /v1/models, GET /v1/receipts/:id. Other paths pass through to the app.
 *
 * @example
 * const app = express();
 * app.use(routerMiddleware({ providers: [{ id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey }] }));
 */
export function routerMiddleware(config: RouterConfig): RequestHandler {
  const bridge = createHttpBridge({ ...config, engine: config.engine ?? createEngine(config) });
  return function routekit(request: Request, response: Response, next: NextFunction): void {
    bridge.handle(request, response, request.body).then((handled) => handled || next(), next);
  };
}
