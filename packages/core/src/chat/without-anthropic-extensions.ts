import type { ChatMessage, ChatRequest } from './chat-request.js';

type Loose = Record<string, unknown>;

const hasCacheControl = (value: unknown): boolean => typeof value === 'object' && value !== null && Object.hasOwn(value, 'cache_control');

function carriesExtension(message: ChatMessage): boolean {
  if (Object.hasOwn(message, 'thinking_blocks') || Object.hasOwn(message, 'is_error')) return true;
  if (Array.isArray(message.content) && message.content.some(hasCacheControl)) return true;
  return message.role === 'assistant' && (message.tool_calls?.some(hasCacheControl) ?? false);
}

function withoutCacheControl<T>(value: T): T {
  if (!hasCacheControl(value)) return value;
  const { cache_control: _marker, ...rest } = value as Loose;
  return rest as T;
}

function plainMessage(message: ChatMessage): ChatMessage {
  if (!carriesExtension(message)) return message;
  const { thinking_blocks: _thinking, is_error: _error, ...rest } = message as Loose;
  if (Array.isArray(rest.content)) rest.content = rest.content.map(withoutCacheControl);
  if (Array.isArray(rest.tool_calls)) rest.tool_calls = rest.tool_calls.map(withoutCacheControl);
  return rest as ChatMessage;
}

/**
 * The request without Anthropic's extensions (`cache_control` breakpoints on parts, tool calls and
 * tools, an assistant turn's `thinking_blocks`, a tool result's `is_error`), for an upstream that
 * does not know them and may refuse unknown fields. A request without any comes back as it is.
 */
export function withoutAnthropicExtensions(request: ChatRequest): ChatRequest {
  const messages = request.messages.some(carriesExtension);
  const tools = request.tools?.some(hasCacheControl) ?? false;
  if (!messages && !tools) return request;
  return {
    ...request,
    ...(messages && { messages: request.messages.map(plainMessage) }),
    ...(tools && { tools: request.tools!.map(withoutCacheControl) }),
  };
}
