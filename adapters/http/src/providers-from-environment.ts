import type { ModelInfo, ProviderConfig } from '@routekit/core';

export interface EnvironmentProviders {
  providers: ProviderConfig[];
  /** Models of an OpenAI-compatible local server, named in ROUTEKIT_LOCAL_MODELS. */
  models: ModelInfo[];
}

const hosted: Array<{ id: string; variable: string; baseUrl: string; kind: 'openai' | 'anthropic' }> = [
  { id: 'openai', variable: 'OPENAI_API_KEY', baseUrl: 'https://api.openai.com/v1', kind: 'openai' },
  { id: 'anthropic', variable: 'ANTHROPIC_API_KEY', baseUrl: 'https://api.anthropic.com/v1', kind: 'anthropic' },
  { id: 'google', variable: 'GEMINI_API_KEY', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai', kind: 'openai' },
  { id: 'mistral', variable: 'MISTRAL_API_KEY', baseUrl: 'https://api.mistral.ai/v1', kind: 'openai' },
  { id: 'groq', variable: 'GROQ_API_KEY', baseUrl: 'https://api.groq.com/openai/v1', kind: 'openai' },
  { id: 'together', variable: 'TOGETHER_API_KEY', baseUrl: 'https://api.together.xyz/v1', kind: 'openai' },
];

/**
 * Providers configured by environment variables: one per hosted provider whose API key is set, and
 * a `local` provider for an OpenAI-compatible server (Ollama, vLLM, llama.cpp) at
 * ROUTEKIT_LOCAL_BASE_URL, whose models are listed in ROUTEKIT_LOCAL_MODELS (comma-separated).
 */
export function providersFromEnvironment(environment: NodeJS.ProcessEnv = process.env): EnvironmentProviders {
  const providers: ProviderConfig[] = hosted
    .filter((provider) => (environment[provider.variable] ?? '') !== '')
    .map((provider) => ({ id: provider.id, kind: provider.kind, baseUrl: provider.baseUrl, apiKey: environment[provider.variable]! }));
  const models: ModelInfo[] = [];
  const localUrl = environment.ROUTEKIT_LOCAL_BASE_URL;
  if (localUrl !== undefined && localUrl !== '') {
    providers.push({ id: 'local', kind: 'openai', baseUrl: localUrl, ...(environment.ROUTEKIT_LOCAL_API_KEY && { apiKey: environment.ROUTEKIT_LOCAL_API_KEY }) });
    for (const name of (environment.ROUTEKIT_LOCAL_MODELS ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
      models.push(localModel(name));
    }
  }
  return { providers, models };
}

/** A local model the catalog does not know: free, modest, with the capabilities most local servers have. */
function localModel(name: string): ModelInfo {
  return {
    id: `local/${name}`,
    provider: 'local',
    upstreamModel: name,
    inputPricePerMillion: 0,
    outputPricePerMillion: 0,
    contextWindow: 32_768,
    maxOutputTokens: 8192,
    capabilities: { tools: true, vision: false, jsonMode: true },
    quality: 0.5,
    typicalTimeToFirstTokenMs: 300,
    typicalTokensPerSecond: 40,
  };
}
