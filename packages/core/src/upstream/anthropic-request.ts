import type { ChatMessage, ChatRequest, ContentPart, TextPart, ToolChoice } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicRequest, AnthropicToolChoice } from './anthropic-types.js';

/** Anthropic requires `max_tokens`; OpenAI does not, so requests without one get this. */
export const defaultAnthropicMaxTokens = 4096;

/**
 * Translates an OpenAI chat request into an Anthropic Messages request. System and developer
 * messages become `system`, tool results become `tool_result` blocks of a user turn, and
 * consecutive turns of one role merge, because Anthropic wants user and assistant to alternate.
 * Temperature is clamped to Anthropic's 0..1. Fields with no Anthropic equivalent are dropped.
 */
export function toAnthropicRequest(request: ChatRequest): AnthropicRequest {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  request.messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') {
      system.push(textOf(message.content));
      return;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = blocksOf(message as Exclude<ChatMessage, { role: 'system' | 'developer' }>, index);
    // Anthropic rejects empty content blocks; a turn with nothing in it carries nothing.
    if (blocks.length === 0) return;
    const previous = messages.at(-1);
    if (previous?.role === role) (previous.content as AnthropicContentBlock[]).push(...blocks);
    else messages.push({ role, content: blocks });
  });
  for (const message of messages) {
    // Plain text turns go as a string: smaller, and exactly what Anthropic's own examples send.
    const [only] = message.content as AnthropicContentBlock[];
    if (message.content.length === 1 && only?.type === 'text') message.content = only.text;
  }

  const anthropic: AnthropicRequest = {
    model: request.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? defaultAnthropicMaxTokens,
    messages,
  };
  if (system.length > 0) anthropic.system = system.join('\n\n');
  if (request.stop !== undefined && request.stop !== null) anthropic.stop_sequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  if (typeof request.temperature === 'number') anthropic.temperature = Math.min(1, Math.max(0, request.temperature));
  if (typeof request.top_p === 'number') anthropic.top_p = request.top_p;
  if (request.tools !== undefined && request.tools.length > 0) {
    anthropic.tools = request.tools.map(({ function: tool }) => ({
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      input_schema: tool.parameters ?? { type: 'object', properties: {} },
    }));
    const choice = toolChoiceOf(request.tool_choice, request.parallel_tool_calls);
    if (choice !== undefined) anthropic.tool_choice = choice;
  }
  if (request.stream) anthropic.stream = true;
  if (typeof request.user === 'string' && request.user !== '') anthropic.metadata = { user_id: request.user };
  return anthropic;
}

function toolChoiceOf(choice: ToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoice | undefined {
  let mapped: AnthropicToolChoice | undefined;
  if (choice === 'auto') mapped = { type: 'auto' };
  else if (choice === 'required') mapped = { type: 'any' };
  else if (choice === 'none') mapped = { type: 'none' };
  else if (typeof choice === 'object') mapped = { type: 'tool', name: choice.function.name };
  if (parallel === false) return { ...(mapped ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return mapped;
}

function blocksOf(message: Exclude<ChatMessage, { role: 'system' | 'developer' }>, index: number): AnthropicContentBlock[] {
  if (message.role === 'tool') return [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: textOf(message.content) }];
  const blocks: AnthropicContentBlock[] = [];
  const content = message.content ?? [];
  if (typeof content === 'string') {
    if (content !== '') blocks.push({ type: 'text', text: content });
  } else {
    content.forEach((part, partIndex) => {
      if (part.type !== 'text' || part.text !== '') blocks.push(blockOfPart(part, `messages[${index}].content[${partIndex}]`));
    });
  }
  if (message.role === 'assistant') {
    message.tool_calls?.forEach((call, callIndex) => {
      blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, `messages[${index}].tool_calls[${callIndex}].function.arguments`) });
    });
  }
  return blocks;
}

function blockOfPart(part: ContentPart, param: string): AnthropicContentBlock {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const { url } = part.image_url;
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data !== null) return { type: 'image', source: { type: 'base64', media_type: data[1]!, data: data[2]! } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new InvalidRequestError('An image must be an http(s) URL or a base64 data URL.', { param: `${param}.image_url.url`, code: 'invalid_image_url' });
}

function parseArguments(text: string, param: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError('Tool call arguments must be a JSON object.', { param, code: 'invalid_tool_arguments' });
  }
}

function textOf(content: string | TextPart[] | null): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}
