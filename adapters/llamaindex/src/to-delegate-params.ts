import type { ChatMessage, ChatRequest, ContentPart, TextPart } from '@routekit/core';
import type { BaseTool, ChatMessage as LlamaIndexMessage, MessageContentDetail, ToolCallLLMMessageOptions } from '@llamaindex/core/llms';
import { llamaIndexToolCall } from './tool-call-input.js';

/** What the app's call had that the OpenAI-shaped request cannot carry, for the way back. */
export interface DelegateContext {
  /** The app's tools by name: the delegate gets the same objects. */
  tools: ReadonlyMap<string, BaseTool>;
  /** `toolResult.isError` by tool call id. */
  toolErrors: ReadonlyMap<string, boolean>;
  /** Passed to the delegate's `chat` untouched. */
  additionalChatOptions: object | undefined;
}

/** The engine's (possibly redacted) request as LlamaIndex chat messages and tools for the chosen LLM. */
export function toDelegateParams(request: ChatRequest, context: DelegateContext): { messages: LlamaIndexMessage<ToolCallLLMMessageOptions>[]; tools?: BaseTool[]; additionalChatOptions?: object } {
  const tools = request.tools?.map((tool) => context.tools.get(tool.function.name) ?? { metadata: { name: tool.function.name, description: tool.function.description ?? '', parameters: tool.function.parameters } });
  const additionalChatOptions = { ...context.additionalChatOptions, ...samplingOf(request) };
  return {
    messages: request.messages.map((message) => toLlamaIndexMessage(message, context)),
    ...(tools !== undefined && { tools }),
    ...(Object.keys(additionalChatOptions).length > 0 && { additionalChatOptions }),
  };
}

/**
 * The request's sampling parameters for the chosen LLM. LlamaIndex LLMs take temperature, topP and
 * maxTokens at construction only; per call they take `additionalChatOptions`, which the OpenAI and
 * Anthropic LLMs send with the request as it is, so the parameters go there under the providers' own
 * names (the same in both APIs). The output limit keeps the name the engine gave it (a spend cap may set it).
 */
function samplingOf(request: ChatRequest): Record<string, number> {
  return {
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.top_p !== undefined && { top_p: request.top_p }),
    ...(request.max_tokens !== undefined && { max_tokens: request.max_tokens }),
    ...(request.max_completion_tokens !== undefined && { max_completion_tokens: request.max_completion_tokens }),
  };
}

function toLlamaIndexMessage(message: ChatMessage, context: DelegateContext): LlamaIndexMessage<ToolCallLLMMessageOptions> {
  switch (message.role) {
    case 'tool': {
      const result = plainText(message.content);
      return { role: 'user', content: result, options: { toolResult: { id: message.tool_call_id, result, isError: context.toolErrors.get(message.tool_call_id) ?? false } } };
    }
    case 'assistant': {
      const content = message.content === null ? '' : plainText(message.content);
      if (message.tool_calls === undefined || message.tool_calls.length === 0) return { role: 'assistant', content };
      return { role: 'assistant', content, options: { toolCall: message.tool_calls.map((call) => llamaIndexToolCall(call.id, call.function.name, call.function.arguments)) } };
    }
    case 'user':
      return { role: 'user', content: typeof message.content === 'string' ? message.content : message.content.map(toLlamaIndexPart) };
    default:
      return { role: message.role, content: plainText(message.content) };
  }
}

function toLlamaIndexPart(part: ContentPart): MessageContentDetail {
  if (part.type === 'text') return { type: 'text', text: part.text };
  return { type: 'image_url', image_url: { url: part.image_url.url }, ...(part.image_url.detail !== undefined && { detail: part.image_url.detail }) };
}

function plainText(content: string | TextPart[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('\n\n');
}
