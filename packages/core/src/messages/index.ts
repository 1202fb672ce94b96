export { messagesRequestSchema, countTokensRequestSchema, type MessagesRequestBody } from './messages-request-schema.js';
export { parseMessagesRequest, parseCountTokensRequest, assertAnthropicVersion, anthropicVersions, type MessagesRequestSources } from './parse-messages-request.js';
export { toChatRequest as messagesToChatRequest } from './to-chat-request.js';
export { toAnthropicMessage, anthropicUsageOf, stopReasonOf, type AnthropicMessageResponse, type AnthropicAnswerBlock } from './to-anthropic-message.js';
export { toAnthropicEvents, type AnthropicEvent } from './to-anthropic-events.js';
export { toAnthropicError, type AnthropicError } from './anthropic-error.js';
export { countMessageTokens } from './count-message-tokens.js';
