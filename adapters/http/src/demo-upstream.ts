import type { ModelInfo, ProviderConfig } from '@routekit/core';
import { providersFromEnvironment } from './providers-from-environment.js';

/** The providers a zero-config gateway runs on, and whether they are the demo's mock. */
export interface GatewayProviders {
  providers: ProviderConfig[];
  /** Models of a local OpenAI-compatible server (ROUTEKIT_LOCAL_MODELS). */
  models: ModelInfo[];
  /** ROUTEKIT_DEFAULT_MODEL, else `openai/gpt-4.1`: what receipts compare costs against. */
  defaultModel: string;
  /** True when no provider is configured and every provider is the built-in mock upstream. */
  demo: boolean;
}

const hostedProviders = ['openai', 'google', 'mistral', 'groq', 'together'] as const;
let demoUpstream: Promise<string> | undefined;
let stopDemoUpstream: (() => Promise<void>) | undefined;

/**
 * Providers as `npm start` reads them: from the environment (see `providersFromEnvironment`), or,
 * when none is set, demo mode: every provider is one built-in mock upstream on 127.0.0.1 with
 * canned answers, announced by one warning. The mock is started once per process and shared.
 *
 * @example
 * const { providers, models, defaultModel } = await providersOrDemo();
 */
export async function providersOrDemo(environment: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = console.warn): Promise<GatewayProviders> {
  const configured = providersFromEnvironment(environment);
  const defaultModel = environment.ROUTEKIT_DEFAULT_MODEL || 'openai/gpt-4.1';
  if (configured.providers.length > 0) return { ...configured, defaultModel, demo: false };
  if (demoUpstream === undefined) {
    demoUpstream = startDemoUpstream();
    const url = await demoUpstream;
    warn(
      'routekit: DEMO MODE: no provider is configured, so every provider is the built-in mock upstream at ' +
        `${url} and answers are canned. Set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, MISTRAL_API_KEY, GROQ_API_KEY, ` +
        'TOGETHER_API_KEY, or ROUTEKIT_LOCAL_BASE_URL + ROUTEKIT_LOCAL_MODELS, or pass providers to routerMiddleware.',
    );
  }
  const url = await demoUpstream;
  const providers: ProviderConfig[] = [...hostedProviders.map((id) => ({ id, kind: 'openai' as const, baseUrl: url })), { id: 'anthropic', kind: 'anthropic', baseUrl: url }];
  return { providers, models: configured.models, defaultModel, demo: true };
}

async function startDemoUpstream(): Promise<string> {
  // Loaded only in demo mode: a gateway with real providers never starts the mock.
  const { startMockUpstream } = await import('@routekit/core/testing');
  const mock = await startMockUpstream({ timeToFirstTokenMs: 150, tokensPerSecond: 40 });
  // The mock records every request for tests; a demo that runs for days must not keep them all.
  setInterval(() => mock.reset(), 60_000).unref();
  stopDemoUpstream = () => mock.close();
  return mock.url;
}

/**
 * Stops the demo's mock upstream, if this process started one: its listening server would
 * otherwise keep a gateway that has shut down from exiting. A later `providersOrDemo` starts a new one.
 */
export async function closeDemoUpstream(): Promise<void> {
  const stop = stopDemoUpstream;
  demoUpstream = undefined;
  stopDemoUpstream = undefined;
  await stop?.();
}
