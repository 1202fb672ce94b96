import type { ChatChunk, ChatResponse } from '../chat/chat-response.js';

/** What a call produces: a whole response, or a stream of chunks (for `stream: true`). */
export type ChatResult = { type: 'response'; response: ChatResponse } | { type: 'stream'; stream: AsyncIterable<ChatChunk> };
