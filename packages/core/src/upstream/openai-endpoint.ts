import type { ResolvedProvider } from './provider-config.js';

/** Where an OpenAI-wire operation of one model goes, and the header that carries the key. */
export interface OpenAiEndpoint {
  /** Appended to the provider's base URL. */
  path: string;
  headers: Record<string, string>;
}

/**
 * The path and auth header of an OpenAI-wire operation: `{baseUrl}/chat/completions` with a
 * bearer token for `openai`; for `azure` the model's deployment,
 * `{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…`, with `api-key`.
 */
export function openAiEndpoint(provider: ResolvedProvider, operation: 'chat/completions' | 'embeddings', model: string): OpenAiEndpoint {
  if (provider.kind !== 'azure') {
    return { path: `/${operation}`, headers: provider.apiKey === undefined ? {} : { authorization: `Bearer ${provider.apiKey}` } };
  }
  const deployment = provider.deployments?.get(model) ?? model;
  return {
    path: `/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${encodeURIComponent(provider.apiVersion ?? '')}`,
    headers: provider.apiKey === undefined ? {} : { 'api-key': provider.apiKey },
  };
}
