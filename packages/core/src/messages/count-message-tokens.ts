import type { ChatRequest } from '../chat/chat-request.js';
import { promptTokenBound, textTokenBound } from '../guard/limits/prompt-token-bound.js';

/**
 * `count_tokens`' answer: an upper bound on the request's input tokens for any model the gateway
 * may route to (`promptTokenBound`, plus the thinking blocks of earlier turns), not one model's
 * exact count. It never under-counts, so a client that fits its prompt to it stays within the window.
 */
export function countMessageTokens(request: ChatRequest): number {
  let thinking = 0;
  for (const message of request.messages) {
    if (message.role !== 'assistant') continue;
    for (const block of message.thinking_blocks ?? []) thinking += textTokenBound(block.type === 'thinking' ? block.thinking + block.signature : block.data);
  }
  return promptTokenBound(request) + thinking;
}
