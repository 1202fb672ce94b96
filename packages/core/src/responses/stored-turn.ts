import type { ChatMessage } from '../chat/chat-request.js';
import type { RoutingHints } from '../routing/routing-hints.js';
import { assistantMessage } from './from-chat-response.js';
import type { ResponseObject } from './response-object.js';
import type { StoredResponse } from './response-store.js';
import type { ResponsesRequest } from './responses-request.js';

/**
 * The model string a turn runs with. A follow-up (`previous_response_id`) goes to the model that
 * answered the previous turn, so the provider's prompt cache stays warm, while it names the same
 * model string as that turn and sends no routing hints; a different model string (another explicit
 * model, `auto` after an explicit one, a `router-…`) or any hint routes it afresh.
 */
export function followUpModel(request: ResponsesRequest, previous: StoredResponse | undefined, hints: RoutingHints): string {
  if (previous === undefined || request.model !== previous.modelRequested || Object.keys(hints).length > 0) return request.model;
  return previous.response.model;
}

/** What a store keeps of one answered turn: the response without its receipt, and the conversation with the answer appended. */
export function storedTurn(turn: { answer: ResponseObject; tenant: string; conversation: readonly ChatMessage[]; modelRequested: string; expiresAt: number }): StoredResponse {
  const { 'x-routekit': _receipt, ...response } = turn.answer;
  return {
    id: turn.answer.id,
    tenant: turn.tenant,
    response: response as ResponseObject,
    conversation: [...turn.conversation, assistantMessage(turn.answer)],
    modelRequested: turn.modelRequested,
    expiresAt: turn.expiresAt,
  };
}
