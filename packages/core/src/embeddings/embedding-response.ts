import type { ChatResponse } from '../chat/chat-response.js';
import { embeddingField, type Embedding, type EmbeddingResponse } from './embedding-request.js';

/**
 * An embeddings response as the engine carries it: a ChatResponse with no choices, the provider's
 * usage (so receipts, spend settlement and savings count it as they count chat) and the vectors
 * under `x-routekit-embedding`, untouched (base64 strings stay base64).
 */
export function toEngineResponse(response: Pick<EmbeddingResponse, 'data' | 'model'> & { usage?: EmbeddingResponse['usage'] }, created = Math.floor(Date.now() / 1000)): ChatResponse {
  const { usage } = response;
  return {
    id: '',
    object: 'chat.completion',
    created,
    model: response.model,
    choices: [],
    // A server that sends no usage (older Ollama, llama.cpp) leaves it to the engine's estimate.
    ...(usage !== undefined && { usage: { prompt_tokens: usage.prompt_tokens, completion_tokens: 0, total_tokens: usage.prompt_tokens } }),
    [embeddingField]: response.data,
  };
}

/** True for an engine response that carries embeddings. */
export function isEmbeddingResponse(response: ChatResponse): boolean {
  return Object.hasOwn(response, embeddingField);
}

/** The OpenAI embeddings response of an engine response; `model` is the routekit model id. */
export function fromEngineResponse(response: ChatResponse): EmbeddingResponse {
  const usage = response.usage ?? { prompt_tokens: 0, total_tokens: 0 };
  return { object: 'list', data: response[embeddingField] as Embedding[], model: response.model, usage: { prompt_tokens: usage.prompt_tokens, total_tokens: usage.prompt_tokens } };
}
