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

// Each process imports only what it serves, so that its memory is its own too (the bare proxy
// carries no framework and no routekit).
let server;
if (target === 'bare-proxy') {
  const { createBareProxy } = await import('./bare-proxy.mjs');
  server = createBareProxy(upstreamUrl).listen(0, '127.0.0.1');
} else if (target.startsWith('express')) {
  const [{ default: express }, { routerMiddleware }] = await Promise.all([import('express'), import('@routekit/express')]);
  const app = express();
  app.use(routerMiddleware(config));
  server = app.listen(0, '127.0.0.1');
} else if (target.startsWith('koa')) {
  const [{ default: Koa }, { routerMiddleware }] = await Promise.all([import('koa'), import('@routekit/koa')]);
  const app = new Koa();
  app.use(routerMiddleware(config));
  server = app.listen(0, '127.0.0.1');
} else throw new Error(`unknown target ${target}`);
if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
process.send({ port: server.address().port });
process.on('disconnect', () => process.exit(0));
