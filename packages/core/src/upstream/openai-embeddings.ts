import { upstreamEmbeddingBody, type Embedding, type EmbeddingResponse } from '../embeddings/embedding-request.js';
import { toEngineResponse } from '../embeddings/embedding-response.js';
import type { ChatResult } from '../pipeline/chat-result.js';
import { openAiEndpoint } from './openai-endpoint.js';
import { readJson, sendToProvider, type ProviderCallInput } from './provider-call.js';
import { badResponse, type FailureContext } from './provider-failure.js';

/**
 * Calls an OpenAI-compatible `POST {baseUrl}/embeddings` (OpenAI, Mistral, Together, Ollama,
 * vLLM; Azure on the model's deployment URL) with the input rebuilt from the engine request's
 * (possibly redacted) texts. The vectors come back untouched, base64 strings included.
 */
export async function callOpenAiEmbeddings(input: ProviderCallInput): Promise<ChatResult> {
  const { provider, request, signal } = input;
  const context: FailureContext = { provider: provider.id, model: request.model };
  const endpoint = openAiEndpoint(provider, 'embeddings', request.model);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'routekit', ...endpoint.headers, ...provider.headers };
  const response = await sendToProvider(input, context, { path: endpoint.path, headers, body: JSON.stringify(upstreamEmbeddingBody(request)) });
  const parsed = await readJson(response, context, signal);
  if (!isEmbeddingResponse(parsed)) throw badResponse(context, 'not an embeddings list');
  return { type: 'response', response: toEngineResponse(parsed) };
}

function isEmbeddingResponse(value: unknown): value is Pick<EmbeddingResponse, 'data' | 'model'> & { usage?: EmbeddingResponse['usage'] } {
  if (typeof value !== 'object' || value === null) return false;
  const { data, usage } = value as { data?: unknown; usage?: unknown };
  if (!Array.isArray(data) || !data.every(isEmbedding)) return false;
  // Some servers (older Ollama, llama.cpp) send no usage; the engine then estimates it.
  return usage === undefined || (typeof usage === 'object' && usage !== null && typeof (usage as { prompt_tokens?: unknown }).prompt_tokens === 'number');
}

function isEmbedding(value: unknown): value is Embedding {
  if (typeof value !== 'object' || value === null) return false;
  const { index, embedding } = value as { index?: unknown; embedding?: unknown };
  return typeof index === 'number' && (typeof embedding === 'string' || (Array.isArray(embedding) && embedding.every((number) => typeof number === 'number')));
}
