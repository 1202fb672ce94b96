import Koa from 'koa';
import type { ProviderConfig } from '@routekit/core';
import { startMockUpstream, type MockUpstream, type MockUpstreamOptions } from '@routekit/core/testing';
import { routerMiddleware } from '@routekit/koa';

export interface KoaGatewayOptions {
  /** Where the provider keys are read; `process.env` by default. */
  environment?: NodeJS.ProcessEnv;
  /** Pace of the demo's mock upstream (it streams like a model by default). */
  mock?: MockUpstreamOptions;
}

export interface KoaGateway {
  app: Koa;
  providers: ProviderConfig[];
  /** The built-in mock upstream in demo mode (no key set); undefined with real providers. */
  demo: MockUpstream | undefined;
  close(): Promise<void>;
}

/**
 * A Koa 3 app with routekit mounted as one middleware among the app's own: the OpenAI-compatible
 * API under /v1, the app's routes beside it. Providers are OpenAI and Anthropic when their keys
 * are set; with neither, both are the mock upstream (demo mode).
 */
export async function createKoaGateway(options: KoaGatewayOptions = {}): Promise<KoaGateway> {
  const environment = options.environment ?? process.env;
  const providers: ProviderConfig[] = [];
  if (environment.OPENAI_API_KEY) providers.push({ id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: environment.OPENAI_API_KEY });
  if (environment.ANTHROPIC_API_KEY) providers.push({ id: 'anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', apiKey: environment.ANTHROPIC_API_KEY });
  let demo: MockUpstream | undefined;
  if (providers.length === 0) {
    demo = await startMockUpstream(options.mock ?? { timeToFirstTokenMs: 150, tokensPerSecond: 40 });
    providers.push({ id: 'openai', kind: 'openai', baseUrl: demo.url }, { id: 'anthropic', kind: 'anthropic', baseUrl: demo.url });
  }

  const app = new Koa();
  app.use(async function accessLog(context, next) {
    const started = performance.now();
    await next();
    // Method, path, status and time only: prompts and keys never reach the log.
    if (environment.ROUTEKIT_QUIET !== '1') console.log(`${context.method} ${context.path} ${context.status} ${(performance.now() - started).toFixed(1)} ms`);
  });
  app.use(routerMiddleware({ providers, defaultModel: environment.ROUTEKIT_DEFAULT_MODEL ?? 'openai/gpt-4.1', pii: true, cache: true }));
  app.use(async function home(context) {
    if (context.method !== 'GET' || context.path !== '/') return;
    context.type = 'text/plain';
    context.body = 'routekit on Koa: POST /v1/chat/completions, GET /v1/models, GET /v1/receipts/:id\n';
  });
  return { app, providers, demo, close: async () => demo?.close() };
}
