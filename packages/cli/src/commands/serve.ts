import { createRequire } from 'node:module';
import { installGracefulShutdown, type GracefulShutdown } from '@routekit/core';
import { closeDemoUpstream, createEngine, createHttpBridge, createKeyManagement, drainingReadiness, gatewayWebhooks, learningFromEnvironment, openReceiptStore, openSharedStores, providersOrDemo, validateRouterConfig, type RouterConfig } from '@routekit/http';
import type { Command } from '../commands.js';
import { numberFlag, parseCommandLine } from '../parse-command-line.js';
import { UsageError } from '../usage-error.js';
import { learningEnvironment } from './learning-environment.js';
import { listenOrExplain } from './listen-or-explain.js';
import { readConfigFile } from './read-config-file.js';

// node:http through require: an ESM import of a built-in reads every export, and node:http's lazy
// WebSocket export then loads Node's bundled undici (14 MB of RSS) that a gateway never uses.
const { createServer } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

const HELP = `usage: routekit serve [--config FILE] [--port 8787] [--host 127.0.0.1] [--default-model openai/gpt-4.1] [--router FILE]...

The OpenAI-compatible gateway with its dashboard (/dashboard), /metrics, /health and /ready, and
durable receipts (a SQLite file, .routekit/routekit.db, or PostgreSQL with ROUTEKIT_DATABASE_URL).

--config FILE   routerMiddleware's options as JSON, or YAML (.yaml/.yml), validated strictly; also
                port, host and database (a SQLite path or a postgres:// URL). \${NAME} in a string is
                the environment variable NAME (\${NAME:-default} with a default), for secrets.
                webhooks: [{ id, url, secret, events? }] sends signed events (rate_limit.warning,
                spend.alert, key.expiring, service.status) from a durable outbox on the same database.
                redis: a redis:// URL, or { url, prefix }, shared by replicas (default ROUTEKIT_REDIS_URL):
                limits, API keys' limits, circuit breakers and the exact and semantic cache live there,
                and /ready fails while it is unreachable.
--router FILE   a router trained with \`routekit train\`, usable as router-<its name>-<threshold> (repeatable).
Without providers in the config, they come from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY,
MISTRAL_API_KEY, GROQ_API_KEY, TOGETHER_API_KEY, ROUTEKIT_LOCAL_BASE_URL, else the labelled demo mode.
ROUTEKIT_ADMIN_KEY turns on durable API keys (routekit keys) on the same database; ROUTEKIT_WEBHOOK_URL
and ROUTEKIT_WEBHOOK_SECRET add a webhook endpoint. ROUTEKIT_REDIS_URL shares state between replicas (as
redis: above); ROUTEKIT_DRAIN_DELAY_MS keeps serving that long after SIGTERM with /ready failing, so a
load balancer takes the replica out before its port closes. ROUTEKIT_LEARNING=1 (or learning: true in
the config) stores POST /v1/feedback outcomes on the database and follows the router registry
(routekit routers), read every ROUTEKIT_ROUTER_POLL_SECONDS (30). ROUTEKIT_RETRAIN_EVERY=6h (or
learning: { retrainEvery: 6h }) also retrains as routekit train --from-outcomes does, in a worker
thread, on one instance per interval among those sharing the database.
`;

/** `routekit serve`: the standalone gateway on Node's own HTTP server. */
export const serve: Command = {
  summary: 'run the OpenAI-compatible gateway (dashboard, metrics, durable receipts)',
  async run(argv) {
    const { values } = parseCommandLine({
      args: argv,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'default-model': { type: 'string' },
        router: { type: 'string', multiple: true },
        help: { type: 'boolean' },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const { port: filePort, host: fileHost, database, webhooks: webhookEndpoints, redis, ...fromFile } = values.config === undefined ? {} : await readConfigFile(values.config);
    if (database !== undefined && typeof database !== 'string') throw new UsageError('database in the config file must be a SQLite path or a postgres:// URL', { flag: '--config' });
    const port = numberFlag('--port', values.port ?? String(filePort ?? process.env.PORT ?? 8787), { integer: true, minimum: 0, maximum: 65535, expected: 'a port number, 0-65535' });
    const host = values.host ?? (typeof fileHost === 'string' ? fileHost : '127.0.0.1');
    const environment = database === undefined ? process.env : { ...process.env, ...(/^postgres(ql)?:\/\//.test(database) ? { ROUTEKIT_DATABASE_URL: database } : { ROUTEKIT_DATABASE: database }) };
    const shared = openSharedStores(redis, process.env);
    const stored = await openReceiptStore(environment);
    const routers = [...((fromFile.routers as unknown[] | undefined) ?? []), ...(values.router ?? [])];
    const drainDelayMs = numberFlag('ROUTEKIT_DRAIN_DELAY_MS', process.env.ROUTEKIT_DRAIN_DELAY_MS ?? '0', { integer: true, minimum: 0, maximum: 600_000, expected: 'milliseconds, 0-600000' });
    // Fails /ready from SIGTERM on, for ROUTEKIT_DRAIN_DELAY_MS before the port closes: a load balancer takes the replica out first.
    let shutdown: GracefulShutdown | undefined;
    const draining = drainingReadiness(() => shutdown);
    const fromEnvironment = fromFile.providers === undefined ? await providersOrDemo(process.env, (line) => process.stderr.write(`${line}\n`)) : undefined;
    const keyManagement = !process.env.ROUTEKIT_ADMIN_KEY ? undefined : await createKeyManagement({ database: stored.database, ...(shared && { limitStore: shared.counters, lockout: shared.lockout }) });
    const webhooks = await gatewayWebhooks(stored.database, webhookEndpoints);
    if (keyManagement !== undefined) webhooks?.watchKeyExpiry(keyManagement.keys);
    const { learning: learningOption, ...fromFileRest } = fromFile;
    // From `environment`: the retraining worker opens the database the config file names.
    const learned = await learningFromEnvironment(stored.database, learningEnvironment(learningOption, environment), (line) => process.stderr.write(`${line}\n`));
    // From the file, still unchecked: validateRouterConfig below checks every key strictly.
    const raw = {
      ...(fromEnvironment && { providers: fromEnvironment.providers, models: fromEnvironment.models, defaultModel: fromEnvironment.defaultModel }),
      ...fromFileRest,
      ...(learned && { learning: learned.learning }),
      ...(values['default-model'] !== undefined && { defaultModel: values['default-model'] }),
      ...(routers.length > 0 && { routers }),
      receipts: stored.receipts,
      ...(keyManagement && { keyManagement }),
      health: fromFile.health ?? true,
      metrics: fromFile.metrics ?? true,
      dashboard: fromFile.dashboard ?? true,
      readiness: [...(shared ? [shared.readiness] : []), draining],
    } as unknown as RouterConfig;
    const valid = validateRouterConfig(webhooks?.hook(raw) ?? raw);
    // The shared stores of the features the file turns on (a store it names itself stays).
    const config = shared?.apply(valid) ?? valid;
    const engine = createEngine(config);
    const bridge = createHttpBridge({ ...config, engine });
    const server = createServer((request, response) => {
      bridge.handle(request, response).then((handled) => {
        if (!handled) response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Unknown route.', type: 'not_found_error', code: 'route_not_found', param: null } }));
      });
    });
    const address = await listenOrExplain(server, port, host);
    process.stderr.write(`routekit: gateway on http://${address}/v1 (${(config.providers ?? []).map((provider) => provider.id).join(', ')}); dashboard at http://${address}/dashboard; receipts in ${stored.where}${shared ? `; shared state on ${shared.where}` : ''}\n`);
    const exitCode = await new Promise<number>((resolve) => {
      const close = async () => {
        await webhooks?.close();
        await learned?.close();
        await stored.close();
        // Demo mode's mock upstream is a listening server of this process: without this the process stays up.
        await closeDemoUpstream();
        await shared?.close();
      };
      shutdown = installGracefulShutdown({ servers: [server], engines: [engine], drainDelayMs, log: (line) => process.stderr.write(`${line}\n`), onDone: (code) => void close().finally(() => resolve(code)) });
    });
    // The process ends with its server, as npm start's does: the demo's mock upstream (or a pooled
    // connection) would otherwise keep it alive after the shutdown, and a supervisor waiting for it.
    process.exit(exitCode);
  },
};
