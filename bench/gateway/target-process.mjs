import express from 'express';
import Koa from 'koa';
import { routerMiddleware as expressRouter } from '@routekit/express';
import { routerMiddleware as koaRouter } from '@routekit/koa';
import { createBareProxy } from './bare-proxy.mjs';

// One server under test, in a process of its own so that its CPU time and memory are its own:
// `node target-process.mjs <target> <upstream url>`; it sends its port to the parent once listening.
// Plain JavaScript on the built packages (dist/), as users run them: no TypeScript loader in the process.
const [target, upstreamUrl] = process.argv.slice(2);
const providers = [{ id: 'openai', kind: 'openai', baseUrl: upstreamUrl }];
const features = {
  cache: true,
  pii: true,
  rateLimits: { global: { requestsPerMinute: 10_000_000, tokensPerMinute: 10_000_000_000 } },
};
const config = { providers, defaultModel: 'openai/gpt-4.1', ...(target.endsWith('features') && features) };

let server;
if (target === 'bare-proxy') server = createBareProxy(upstreamUrl).listen(0, '127.0.0.1');
else if (target.startsWith('express')) {
  const app = express();
  app.use(expressRouter(config));
  server = app.listen(0, '127.0.0.1');
} else if (target.startsWith('koa')) {
  const app = new Koa();
  app.use(koaRouter(config));
  server = app.listen(0, '127.0.0.1');
} else throw new Error(`unknown target ${target}`);
if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
process.send({ port: server.address().port });
process.on('disconnect', () => process.exit(0));
