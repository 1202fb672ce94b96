import type { ChatRequest } from '../chat/chat-request.js';

/** What a request needs from a model, worked out once per request. */
export interface RequestProfile {
  needsTools: boolean;
  needsVision: boolean;
  needsJson: boolean;
  /** Estimated prompt tokens (about four characters a token). */
  inputTokens: number;
  /** The answer length to budget for: max_tokens when given, else a typical answer. */
  outputTokens: number;
  /** The output cap the client set, if any. */
  maxOutputTokens: number | null;
}

/** A typical answer length, used to compare costs when the client sets no max_tokens. */
export const typicalOutputTokens = 300;

/** Estimates tokens from text length: good enough to rank models and to reserve budgets. */
export function estimateTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

/** The text of a request's messages, tool calls and tool definitions, for estimates and features. */
export function requestCharacters(request: ChatRequest): number {
  let characters = 0;
  for (const message of request.messages) {
    characters += 4; // per-message overhead of chat formats
    const content = message.content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) for (const part of content) characters += part.type === 'text' ? part.text.length : 340; // an image costs roughly 85 tokens at low detail
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) characters += call.function.name.length + call.function.arguments.length;
  }
  for (const tool of request.tools ?? []) characters += JSON.stringify(tool.function).length;
  return characters;
}

export function profileRequest(request: ChatRequest): RequestProfile {
  const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens ?? null;
  const needsTools = (request.tools?.length ?? 0) > 0 && request.tool_choice !== 'none';
  const needsVision = request.messages.some((message) => message.role === 'user' && Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url'));
  const format = request.response_format?.type;
  return {
    needsTools,
    needsVision,
    needsJson: format === 'json_object' || format === 'json_schema',
    inputTokens: estimateTokens(requestCharacters(request)),
    outputTokens: maxOutputTokens ?? typicalOutputTokens,
    maxOutputTokens,
  };
}
