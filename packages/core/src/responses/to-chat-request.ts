import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, TextPart, ToolCall } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';
import type { ResponsesInputContent, ResponsesInputItem, ResponsesRequest } from './responses-request.js';

/** The chat request the engine runs for a Responses request, and the conversation it continues. */
export interface TranslatedRequest {
  request: ChatRequest;
  /** The conversation without `instructions`: what a stored response keeps for the next turn (instructions do not carry over, as in OpenAI's API). */
  conversation: ChatMessage[];
}

/**
 * Translates a Responses request into the engine's chat request: `instructions` become the system
 * message, `input` items become messages (consecutive `function_call` items join the assistant turn
 * before them as its `tool_calls`, `function_call_output` items become tool messages), `text.format`
 * becomes `response_format`, `max_output_tokens` becomes `max_completion_tokens`. `history` is the
 * conversation of a `previous_response_id`, placed before the new input.
 *
 * @example
 * const { request } = toChatRequest({ model: 'auto', input: 'Hello' }); // { model: 'auto', messages: [{ role: 'user', content: 'Hello' }] }
 */
export function toChatRequest(source: ResponsesRequest, history: readonly ChatMessage[] = []): TranslatedRequest {
  const conversation = [...history, ...toMessages(source.input)];
  const messages: ChatMessage[] = source.instructions === undefined ? conversation : [{ role: 'system', content: source.instructions }, ...conversation];
  const request: ChatRequest = { model: source.model, messages };
  if (source.tools !== undefined && source.tools.length > 0) {
    request.tools = source.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description !== undefined && { description: tool.description }), ...(tool.parameters !== undefined && { parameters: tool.parameters }), ...(tool.strict !== undefined && { strict: tool.strict }) },
    }));
  }
  if (source.tool_choice !== undefined) request.tool_choice = typeof source.tool_choice === 'string' ? source.tool_choice : { type: 'function', function: { name: source.tool_choice.name } };
  if (source.parallel_tool_calls !== undefined && request.tools !== undefined) request.parallel_tool_calls = source.parallel_tool_calls;
  const format = toResponseFormat(source.text?.format);
  if (format !== undefined) request.response_format = format;
  if (source.max_output_tokens !== undefined) request.max_completion_tokens = source.max_output_tokens;
  if (source.temperature !== undefined) request.temperature = source.temperature;
  if (source.top_p !== undefined) request.top_p = source.top_p;
  if (source.user !== undefined) request.user = source.user;
  if (source.reasoning?.effort !== undefined) request.reasoning_effort = source.reasoning.effort;
  if (source.stream === true) {
    request.stream = true;
    // The Responses stream always ends with usage, so the engine is asked for it.
    request.stream_options = { include_usage: true };
  }
  if (source['x-fallback-chain'] !== undefined) request['x-fallback-chain'] = source['x-fallback-chain'];
  if (source['x-routekit-deadline-ms'] !== undefined) request['x-routekit-deadline-ms'] = source['x-routekit-deadline-ms'];
  return { request, conversation };
}

function toResponseFormat(format: NonNullable<ResponsesRequest['text']>['format']): ResponseFormat | undefined {
  if (format === undefined) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  return { type: 'json_schema', json_schema: { name: format.name, schema: format.schema, ...(format.strict !== undefined && { strict: format.strict }), ...(format.description !== undefined && { description: format.description }) } };
}

function toMessages(input: ResponsesRequest['input']): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: ChatMessage[] = [];
  input.forEach((item, index) => appendItem(messages, item, `input[${index}]`));
  return messages;
}

function appendItem(messages: ChatMessage[], item: ResponsesInputItem, param: string): void {
  switch (item.type) {
    case 'message': {
      if (item.role === 'user') messages.push({ role: 'user', content: typeof item.content === 'string' ? item.content : item.content.map(toContentPart) });
      else if (item.role === 'assistant') messages.push({ role: 'assistant', content: typeof item.content === 'string' ? item.content : nonEmpty(textOf(item.content, `${param}.content`)) });
      else messages.push({ role: item.role, content: typeof item.content === 'string' ? item.content : textOf(item.content, `${param}.content`) });
      return;
    }
    case 'function_call': {
      const call: ToolCall = { id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } };
      const last = messages.at(-1);
      // An assistant turn is one chat message: its text item and the calls after it.
      if (last?.role === 'assistant') last.tool_calls = [...(last.tool_calls ?? []), call];
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    case 'function_call_output':
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: typeof item.output === 'string' ? item.output : textOf(item.output, `${param}.output`) });
  }
}

function toContentPart(part: ResponsesInputContent): ContentPart {
  if (part.type === 'input_image') return { type: 'image_url', image_url: { url: part.image_url, ...(part.detail !== undefined && part.detail !== null && { detail: part.detail }) } };
  return { type: 'text', text: part.type === 'refusal' ? part.refusal : part.text };
}

/** The text parts where chat takes text only (system, assistant and tool messages); an image there has no chat equivalent, so it is refused rather than dropped. */
function textOf(parts: readonly ResponsesInputContent[], param: string): TextPart[] {
  return parts.map((part, index): TextPart => {
    if (part.type === 'input_image') throw new InvalidRequestError(`${param}[${index}] is an image; only user messages can carry images on the chat completions wire routekit calls providers with.`, { code: 'unsupported_content', param: `${param}[${index}]` });
    return { type: 'text', text: part.type === 'refusal' ? part.refusal : part.text };
  });
}

function nonEmpty(parts: TextPart[]): TextPart[] | null {
  return parts.length === 0 ? null : parts;
}
