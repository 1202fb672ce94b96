// One server under test, started on a free port of 127.0.0.1, for `target-process.mjs` (the peers
// bench) and `gateway-instructions.mjs` (callgrind): `startTarget(<target>, <upstream url>)`.
// Plain JavaScript on the built packages (dist/), as users run them: no TypeScript loader.
import { createRequire } from 'node:module';

// The features the README sells, each alone (`-cache`, `-pii`, `-limits`, `-limits-redis`) and together
// (`-features`): limits are a rate limit (requests and tokens per minute) and a daily spend limit, high
// enough never to refuse, so every request pays for the checks and none is turned away.
const limits = {
  rateLimits: { global: { requestsPerMinute: 10_000_000, tokensPerMinute: 10_000_000_000 } },
  spendLimits: { global: { limits: { daily_usd: 1_000_000 } } },
};

async function featuresOf(suffix) {
  if (suffix === 'cache') return { cache: true };
  if (suffix === 'pii') return { pii: true };
  if (suffix === 'limits') return limits;
  if (suffix === 'limits-redis') {
    const { createRedisCounterStore } = await import('@routekit/core');
    // A prefix of its own per run, so runs never count against each other.
    return { ...limits, store: createRedisCounterStore({ prefix: `routekit-bench:${process.pid}:${Date.now()}:` }) };
  }
  if (suffix === 'features') return { cache: true, pii: true, ...limits };
  if (suffix === 'explicit' || suffix === 'auto') return {};
  throw new Error(`unknown target suffix ${suffix}`);
}

/** Starts `target` (bare-proxy, or express-|koa-|node- followed by a configuration) and resolves once it listens. */
export async function startTarget(target, upstreamUrl) {
  let server;
  // Each target imports only what it serves, so that its memory is its own too (the bare proxy
  // carries no framework and no routekit).
  if (target === 'bare-proxy') {
    const { createBareProxy } = await import('./bare-proxy.mjs');
    server = createBareProxy(upstreamUrl).listen(0, '127.0.0.1');
  } else {
    const config = { providers: [{ id: 'openai', kind: 'openai', baseUrl: upstreamUrl }], defaultModel: 'openai/gpt-4.1', ...(await featuresOf(target.replace(/^(express|koa|node)-/, ''))) };
    if (target.startsWith('express')) {
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
      // The standalone gateway's way (`routekit serve`): the HTTP bridge on node:http, no web framework,
      // and node:http through require as there (an ESM import of it loads Node's bundled undici).
      const { createServer } = createRequire(import.meta.url)('node:http');
      const { createGateway } = await import('@routekit/http');
      const bridge = createGateway(config);
      server = createServer((request, response) => {
        bridge.handle(request, response).then((handled) => handled || response.writeHead(404).end(), () => response.destroy());
      }).listen(0, '127.0.0.1');
    } else throw new Error(`unknown target ${target}`);
  }
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  return server;
}
