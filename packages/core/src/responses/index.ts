export type { ParsedResponsesRequest, ResponsesFunctionTool, ResponsesInputContent, ResponsesInputItem, ResponsesRequest, ResponsesTextFormat } from './responses-request.js';
export { responsesRequestSchema } from './responses-request-schema.js';
export { parseResponsesRequest } from './parse-responses-request.js';
export { toChatRequest as responsesToChatRequest, type TranslatedRequest } from './to-chat-request.js';
export { responseShell, type ResponseFunctionCall, type ResponseIdentity, type ResponseObject, type ResponseOutputItem, type ResponseOutputMessage, type ResponseOutputText, type ResponseUsage } from './response-object.js';
export { assistantMessage, fromChatResponse, toResponseUsage } from './from-chat-response.js';
export { ResponseStreamFailure, responsesStream, type ResponseStreamEvent } from './responses-stream.js';
export { MemoryResponseStore, type ResponseStore, type StoredResponse } from './response-store.js';
export { followUpModel, storedTurn } from './stored-turn.js';
