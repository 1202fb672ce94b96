import { createRequire } from 'node:module';
import { ConfigurationError, installGracefulShutdown, type GracefulShutdown } from '@routekit/core';
import { createEngine, createGateway, createKeyManagement, createSqlResponseStore, drainingReadiness, gatewayWebhooks, learningFromEnvironment, openReceiptStore, openSharedStores, providersOrDemo, validateRouterConfig } from '@routekit/http';

// node:http through require: an ESM import of a built-in reads every export, and node:http's lazy
// WebSocket export then loads Node's bundled undici (14 MB of RSS) that a gateway never uses.
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

// The example gateway behind `npm start`: routekit's HTTP bridge on node:http (a standalone gateway
// needs no web framework; an Express or Koa app mounts `routerMiddleware` instead), providers from
// the environment, and a labelled demo against the built-in mock upstream when none is configured.
const port = Number(process.env.PORT ?? 8787);
const host = process.env.HOST ?? '127.0.0.1';
if (!Number.isInteger(port) || port < 0 || port > 65535 || process.env.PORT?.trim() === '') {
  console.error(`routekit: PORT must be a port number (0-65535), got ${JSON.stringify(process.env.PORT)}`);
  process.exit(2);
}
// The same resolution `routerMiddleware()` makes with no config (adapters/http/src/demo-upstream.ts).
const { providers, models, defaultModel } = await providersOrDemo();
// Receipts and usage survive restarts: a SQLite file by default, PostgreSQL with ROUTEKIT_DATABASE_URL.
const stored = await openReceiptStore();
// ROUTEKIT_REDIS_URL (and ROUTEKIT_REDIS_PREFIX): replicas behind a load balancer share circuit
// breakers, API keys' limits and every configured limit and cache on one Redis; /ready fails while it is unreachable.
const shared = openSharedStores(undefined);
// ROUTEKIT_ROUTER_FILE: a router trained with `routekit train`, usable as router-<its name>-<threshold>.
const routers = process.env.ROUTEKIT_ROUTER_FILE === undefined ? [] : process.env.ROUTEKIT_ROUTER_FILE.split(',');
// ROUTEKIT_ADMIN_KEY turns on durable API keys on the same database (create them with `routekit keys
// create --database <it>` or POST /v1/admin/keys); without it the gateway is open, as in the demo.
const keyManagement = !process.env.ROUTEKIT_ADMIN_KEY ? undefined : await createKeyManagement({ database: stored.database, ...(shared && { limitStore: shared.counters, lockout: shared.lockout }) });
// ROUTEKIT_WEBHOOK_URL + ROUTEKIT_WEBHOOK_SECRET: signed events (breaker changes, limit warnings) from a durable outbox.
const webhooks = await gatewayWebhooks(stored.database, undefined);
// With durable keys, key.expiring goes out 7 days and 1 day before a key expires.
if (keyManagement !== undefined) webhooks?.watchKeyExpiry(keyManagement.keys);
// ROUTEKIT_LEARNING=1: POST /v1/feedback stores outcomes on the same database, and the router that
// `routekit train --from-outcomes` promotes is in charge within ROUTEKIT_ROUTER_POLL_SECONDS (docs/learning.md).
// ROUTEKIT_RETRAIN_EVERY=6h also retrains on them in a worker thread, on one instance per interval.
const learned = await learningFromEnvironment(stored.database, process.env, (line) => console.log(line)).catch((error: unknown) => {
  // A bad learning variable: one line naming it, not a stack (the demo upstream would keep the process up).
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(`routekit: ${error.message}`);
  process.exit(2);
});
const base = { providers, models, defaultModel, receipts: stored.receipts, routers, ...(keyManagement && { keyManagement }), ...(learned && { learning: learned.learning }) };
const valid = validateRouterConfig(webhooks?.hook(base) ?? base);
const engine = createEngine(shared?.apply(valid) ?? valid);

// Responses kept for previous_response_id live on the same database. With durable keys each tenant's
// content_retention_days decides; without them ROUTEKIT_RESPONSE_RETENTION_DAYS (unset: none are kept).
const retentionDays = process.env.ROUTEKIT_RESPONSE_RETENTION_DAYS === undefined ? undefined : Number(process.env.ROUTEKIT_RESPONSE_RETENTION_DAYS);
const responses = { store: await createSqlResponseStore({ database: stored.database }), ...(retentionDays !== undefined && { retentionDays }) };

// ROUTEKIT_DRAIN_DELAY_MS: after SIGTERM, keep serving that long with /ready failing, so a load
// balancer takes this replica out before its port closes (see docs/replicas.md).
const drainDelayMs = Number(process.env.ROUTEKIT_DRAIN_DELAY_MS ?? 0);
if (!Number.isInteger(drainDelayMs) || drainDelayMs < 0) {
  console.error(`routekit: ROUTEKIT_DRAIN_DELAY_MS must be a whole number of milliseconds, got ${JSON.stringify(process.env.ROUTEKIT_DRAIN_DELAY_MS)}`);
  process.exit(2);
}
let shutdown: GracefulShutdown | undefined;
const draining = drainingReadiness(() => shutdown);

const bridge = createGateway({ engine, health: true, metrics: true, dashboard: true, responses, ...(keyManagement && { keyManagement }), readiness: [...(shared ? [shared.readiness] : []), draining] });
const index = 'routekit gateway: POST /v1/chat/completions, POST /v1/responses, POST /v1/route, POST /v1/feedback, GET /v1/models, GET /v1/usage, GET /v1/receipts, /dashboard, /metrics, /health, /ready\n';
const server = createServer((request, response) => {
  bridge.handle(request, response).then(
    (handled) => {
      if (handled) return;
      if (request.url === '/' && (request.method === 'GET' || request.method === 'HEAD')) response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(index);
      else response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Unknown route.', type: 'not_found_error', code: 'route_not_found', param: null } }));
    },
    // The bridge answers its own errors; one that escapes it leaves nothing sensible to send.
    () => response.destroy(),
  );
});
// A listen error (a port already taken): say so in one line and exit, rather than announce a
// gateway that is not there while the demo upstream keeps the process up.
server.once('error', (error: NodeJS.ErrnoException) => {
  const reason = error.code === 'EADDRINUSE' ? 'is already in use (another gateway or app is listening there); stop it or set PORT=<another port>' : `cannot be listened on (${error.code ?? error.message})`;
  console.error(`routekit: ${host}:${port} ${reason}`);
  process.exit(1);
});
server.listen(port, host, () => {
  console.log(`routekit: gateway listening on http://${host}:${port}/v1 (${providers.map((provider) => provider.id).join(', ')}); dashboard at http://${host}:${port}/dashboard; receipts in ${stored.where}${shared ? `; shared state on ${shared.where}` : ''}`);
});
// SIGTERM / SIGINT: stop accepting, let in-flight requests and streams finish (15 s at most), then exit.
shutdown = installGracefulShutdown({
  servers: [server],
  engines: [engine],
  drainDelayMs,
  timeoutMs: Number(process.env.ROUTEKIT_SHUTDOWN_TIMEOUT_MS ?? 15_000),
  // The last receipts are written before the process goes.
  onDone: (code) => void (webhooks?.close() ?? Promise.resolve()).then(() => learned?.close()).then(() => stored.close()).then(() => shared?.close()).finally(() => process.exit(code)),
});
