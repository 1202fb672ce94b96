import { InvalidRequestError, ProviderFailedError } from '../errors.js';
import type { ModelCall } from '../pipeline/engine-middleware.js';
import { callAnthropicMessages } from './anthropic-messages.js';
import { isEmbeddingRequest } from '../embeddings/embedding-request.js';
import { callOpenAiChatCompletions } from './openai-chat-completions.js';
import { callOpenAiEmbeddings } from './openai-embeddings.js';
import { resolveProviders, type ProviderConfig } from './provider-config.js';
import { createUpstreamPool } from './upstream-http.js';

export interface UpstreamCallOptions {
  /** The providers models may name in `ModelInfo.provider`, validated here (errors name the field). */
  providers: ProviderConfig[];
  /** Tenants' own provider keys (BYOK): when one exists for the attempt's tenant and provider, it replaces the configured `apiKey` for that call. */
  providerKeys?: { keyFor(tenant: string, provider: string): Promise<string | undefined> };
}

/**
 * The gateway's ModelCall: sends each attempt to its provider over kept-alive connections (undici).
 * A JSON call resolves with the whole response; a stream call resolves once the first chunk has
 * arrived, so failures before the first token reject the call and the engine can fall back.
 * Failures are ProviderFailedErrors; when `signal` aborts, the upstream request is destroyed and
 * the call (or the stream) rejects with the signal's reason instead.
 *
 * @example
 * const call = createUpstreamCall({ providers: [{ id: 'openai', kind: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: process.env.OPENAI_API_KEY }] });
 * const engine = new Engine({ call });
 */
export function createUpstreamCall(options: UpstreamCallOptions): ModelCall {
  const providers = resolveProviders(options.providers);
  const pool = createUpstreamPool();
  return async (attempt, signal) => {
    const provider = providers.get(attempt.model.provider);
    if (provider === undefined) {
      throw new ProviderFailedError(`No provider named ${attempt.model.provider} is configured (model ${attempt.model.id}).`, {
        provider: attempt.model.provider,
        model: attempt.request.model,
        failure: 'client_error',
      });
    }
    const tenantKey = await options.providerKeys?.keyFor(attempt.exchange.tenant, provider.id);
    const input = { provider: tenantKey === undefined ? provider : { ...provider, apiKey: tenantKey }, request: attempt.request, signal, pool };
    if (isEmbeddingRequest(attempt.request)) {
      if (provider.kind === 'anthropic') {
        throw new InvalidRequestError(`Provider ${provider.id} speaks Anthropic's Messages API, which has no embeddings endpoint (model ${attempt.model.id}).`, { code: 'model_not_embedding', param: 'model' });
      }
      return callOpenAiEmbeddings(input);
    }
    return provider.kind === 'anthropic' ? callAnthropicMessages(input) : callOpenAiChatCompletions(input);
  };
}
