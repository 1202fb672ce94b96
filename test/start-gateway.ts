import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import Koa from 'koa';
import { routerMiddleware as expressRouter } from '@routekit/express';
import { routerMiddleware as koaRouter } from '@routekit/koa';
import type { RouterConfig } from '@routekit/http';

export type Framework = 'express' | 'koa';

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * Mounts routekit in a real Express 5 or Koa 3 app beside one route of the app's own, and listens
 * on 127.0.0.1, as a user's app would. With no config, it is `app.use(routerMiddleware())`.
 */
export async function startGateway(framework: Framework, config?: RouterConfig): Promise<RunningGateway> {
  let server: Server;
  if (framework === 'express') {
    const app = express();
    app.use(config === undefined ? expressRouter() : expressRouter(config));
    app.get('/health', (_request, response) => void response.json({ app: 'express' }));
    server = app.listen(0, '127.0.0.1');
  } else {
    const app = new Koa();
    app.use(config === undefined ? koaRouter() : koaRouter(config));
    app.use(async (context, next) => {
      if (context.path !== '/health') return next();
      context.body = { app: 'koa' };
    });
    server = app.listen(0, '127.0.0.1');
  }
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The two providers most gateway tests route between (OpenAI's wire and Anthropic's), both answered by one mock upstream. */
export function mockProviders(mock: { url: string }): Array<{ id: string; kind: 'openai' | 'anthropic'; baseUrl: string }> {
  return [
    { id: 'openai', kind: 'openai', baseUrl: mock.url },
    { id: 'anthropic', kind: 'anthropic', baseUrl: mock.url },
  ];
}
