import { InvalidRequestError, type ChatMessage, type ChatRequest, type ContentPart, type FunctionTool } from '@routekit/core';
import type { BaseTool, ChatMessage as LlamaIndexMessage, LLMChatParamsBase, MessageContent, ToolCallLLMMessageOptions } from '@llamaindex/core/llms';
import { toolArguments } from './tool-call-input.js';

/** LlamaIndex chat params as RoutedLLM receives them. */
export type LlamaIndexChatParams = LLMChatParamsBase<object, ToolCallLLMMessageOptions> & { stream?: boolean | undefined };

/**
 * LlamaIndex chat params as the engine's OpenAI-shaped request. Tool calls and tool results travel
 * in `message.options` (`toolCall`, `toolResult`), as in every LlamaIndex LLM.
 */
export function toChatRequest(params: LlamaIndexChatParams, model: string, sampling: { temperature?: number; topP?: number; maxTokens?: number } = {}): ChatRequest {
  if (params.responseFormat !== undefined) {
    throw new InvalidRequestError('RoutedLLM does not take responseFormat (its metadata.structuredOutput is false); use llm.exec({ responseFormat }), which asks for the object through a tool call.', { param: 'responseFormat' });
  }
  const request: ChatRequest = { model, messages: params.messages.map((message, index) => toMessage(message, index)) };
  if (params.tools !== undefined && params.tools.length > 0) request.tools = params.tools.map(toFunctionTool);
  if (sampling.temperature !== undefined) request.temperature = sampling.temperature;
  if (sampling.topP !== undefined) request.top_p = sampling.topP;
  if (sampling.maxTokens !== undefined) request.max_tokens = sampling.maxTokens;
  if (params.stream === true) request.stream = true;
  return request;
}

function toMessage(message: LlamaIndexMessage<ToolCallLLMMessageOptions>, index: number): ChatMessage {
  const options = message.options ?? {};
  if ('toolResult' in options) return { role: 'tool', tool_call_id: options.toolResult.id, content: textOf(message.content) };
  if ('toolCall' in options && options.toolCall.length > 0) {
    const content = textOf(message.content);
    return {
      role: 'assistant',
      content: content === '' ? null : content,
      tool_calls: options.toolCall.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: toolArguments(call.input) } })),
    };
  }
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: message.role, content: textOf(message.content) };
    case 'assistant':
      return { role: 'assistant', content: textOf(message.content) };
    default:
      // `user`, and `memory` (context a LlamaIndex memory block adds), which @llamaindex/openai also sends as user.
      return { role: 'user', content: typeof message.content === 'string' ? message.content : message.content.map((part) => toContentPart(part, index)) };
  }
}

function toContentPart(part: Exclude<MessageContent, string>[number], index: number): ContentPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image_url':
      return { type: 'image_url', image_url: { url: part.image_url.url, ...(part.detail !== undefined && { detail: part.detail }) } };
    case 'image':
      return { type: 'image_url', image_url: { url: `data:${part.mimeType};base64,${part.data}` } };
    default:
      throw new InvalidRequestError(`RoutedLLM cannot route ${part.type} parts (messages[${index}]): only text and images.`, { param: `messages[${index}].content` });
  }
}

function toFunctionTool(tool: BaseTool): FunctionTool {
  const { name, description, parameters } = tool.metadata;
  return { type: 'function', function: { name, description, ...(parameters !== undefined && { parameters: parameters as Record<string, unknown> }) } };
}

/** The text of a LlamaIndex message content: its text parts joined as LlamaIndex's `extractText` does. */
export function textOf(content: MessageContent): string {
  return typeof content === 'string' ? content : content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n\n');
}
