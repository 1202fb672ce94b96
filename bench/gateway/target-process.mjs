// One server under test, in a process of its own so that its CPU time and memory are its own:
// `node target-process.mjs <target> <upstream url>`; it sends its port to the parent once listening.
// Plain JavaScript on the built packages (dist/), as users run them: no TypeScript loader in the process.
const [target, upstreamUrl] = process.argv.slice(2);
const providers = [{ id: 'openai', kind: 'openai', baseUrl: upstreamUrl }];
// The features the README sells, each alone (`-cache`, `-pii`, `-limits`, `-limits-redis`) and together
// (`-features`): limits are a rate limit (requests and tokens per minute) and a daily spend limit, high
// enough never to refuse, so every request pays for the checks and none is turned away.
const limits = {
  rateLimits: { global: { requestsPerMinute: 10_000_000, tokensPerMinute: 10_000_000_000 } },
  spendLimits: { global: { limits: { daily_usd: 1_000_000 } } },
};
const suffix = target.replace(/^(express|koa|node)-/, '');
let features = {};
if (suffix === 'cache') features = { cache: true };
else if (suffix === 'pii') features = { pii: true };
else if (suffix === 'limits') features = limits;
else if (suffix === 'limits-redis') {
  const { createRedisCounterStore } = await import('@routekit/core');
  // A prefix of its own per run, so runs never count against each other.
  features = { ...limits, store: createRedisCounterStore({ prefix: `routekit-bench:${process.pid}:${Date.now()}:` }) };
} else if (suffix === 'features') features = { cache: true, pii: true, ...limits };
else if (suffix !== 'explicit' && suffix !== 'auto' && target !== 'bare-proxy') throw new Error(`unknown target ${target}`);
const config = { providers, defaultModel: 'openai/gpt-4.1', ...features };

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
} else if (target.startsWith('node')) {
  // The standalone gateway's way (`routekit serve`): the HTTP bridge on node:http, no web framework.
  const [{ createServer }, { createGateway }] = await Promise.all([import('node:http'), import('@routekit/http')]);
  const bridge = createGateway(config);
  server = createServer((request, response) => {
    bridge.handle(request, response).then((handled) => handled || response.writeHead(404).end(), () => response.destroy());
  }).listen(0, '127.0.0.1');
} else throw new Error(`unknown target ${target}`);
if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
process.send({ port: server.address().port });
process.on('disconnect', () => process.exit(0));
