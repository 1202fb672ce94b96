export { createRoutedClient, type RoutedClient, type RoutedClientOptions, type RoutedCompletions, type RoutedChatCompletion, type RoutedRequestOptions, type RoutekitFields } from './create-routed-client.js';
export type { RoutedResponse, RoutedResponses } from './routed-responses.js';
export type { RoutedEmbeddingResponse } from './create-routed-client.js';
export type { ChatCompletionsClient } from './create-client-engine.js';
export { toOpenAIError } from './to-openai-error.js';
