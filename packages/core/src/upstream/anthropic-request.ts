import type { ChatMessage, ChatRequest, ContentPart, TextPart, ToolChoice } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicRequest, AnthropicTextBlock, AnthropicToolChoice } from './anthropic-types.js';

/** Anthropic requires `max_tokens`; OpenAI does not, so requests without one get this. */
export const defaultAnthropicMaxTokens = 4096;

/**
 * Translates an OpenAI chat request into an Anthropic Messages request. System and developer
 * messages become `system`, tool results become `tool_result` blocks of a user turn, and
 * consecutive turns of one role merge, because Anthropic wants user and assistant to alternate.
 * Temperature is clamped to Anthropic's 0..1. Fields with no Anthropic equivalent are dropped.
 * `cache_control` breakpoints, thinking blocks and the `x-anthropic` extras are Anthropic's own,
 * so they go on as they came.
 */
export function toAnthropicRequest(request: ChatRequest): AnthropicRequest {
  const system: AnthropicTextBlock[][] = [];
  const messages: AnthropicMessage[] = [];
  request.messages.forEach((message, index) => {
    if (message.role === 'system' || message.role === 'developer') {
      system.push(systemBlocksOf(message.content));
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
    if (message.content.length === 1 && only?.type === 'text' && only.cache_control === undefined) message.content = only.text;
  }

  const anthropic: AnthropicRequest = {
    model: request.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? defaultAnthropicMaxTokens,
    messages,
  };
  // A cache breakpoint needs blocks; without one, one string as before.
  if (system.some((blocks) => blocks.some((block) => block.cache_control !== undefined))) anthropic.system = system.flat().filter((block) => block.text !== '');
  else if (system.length > 0) anthropic.system = system.map((blocks) => blocks.map((block) => block.text).join('')).join('\n\n');
  if (request.stop !== undefined && request.stop !== null) anthropic.stop_sequences = Array.isArray(request.stop) ? request.stop : [request.stop];
  if (typeof request.temperature === 'number') anthropic.temperature = Math.min(1, Math.max(0, request.temperature));
  if (typeof request.top_p === 'number') anthropic.top_p = request.top_p;
  if (request.tools !== undefined && request.tools.length > 0) {
    anthropic.tools = request.tools.map(({ function: tool }) => ({
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      input_schema: tool.parameters ?? { type: 'object', properties: {} },
    }));
    request.tools.forEach((tool, index) => {
      if (tool.cache_control !== undefined) anthropic.tools![index]!.cache_control = tool.cache_control;
    });
    const choice = toolChoiceOf(request.tool_choice, request.parallel_tool_calls);
    if (choice !== undefined) anthropic.tool_choice = choice;
  }
  if (request.stream) anthropic.stream = true;
  if (typeof request.user === 'string' && request.user !== '') anthropic.metadata = { user_id: request.user };
  const extras = request['x-anthropic'];
  if (extras?.top_k !== undefined) anthropic.top_k = extras.top_k;
  if (extras?.thinking !== undefined) anthropic.thinking = extras.thinking;
  if (extras?.cache_control !== undefined) anthropic.cache_control = extras.cache_control;
  if (extras?.output_config !== undefined) anthropic.output_config = extras.output_config;
  return anthropic;
}

function systemBlocksOf(content: string | TextPart[]): AnthropicTextBlock[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) => ({ type: 'text', text: part.text, ...(part.cache_control !== undefined && { cache_control: part.cache_control }) }));
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
  if (message.role === 'tool') return [toolResultOf(message)];
  // Anthropic wants an assistant turn's thinking first, as it produced it.
  const blocks: AnthropicContentBlock[] = message.role === 'assistant' ? [...(message.thinking_blocks ?? [])] : [];
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
      blocks.push({
        type: 'tool_use',
        id: call.id,
        name: call.function.name,
        input: parseArguments(call.function.arguments, `messages[${index}].tool_calls[${callIndex}].function.arguments`),
        ...(call.cache_control !== undefined && { cache_control: call.cache_control }),
      });
    });
  }
  return blocks;
}

/** A tool result; its text parts stay blocks when one carries a cache breakpoint. */
function toolResultOf(message: Extract<ChatMessage, { role: 'tool' }>): AnthropicContentBlock {
  const cached = typeof message.content !== 'string' && message.content.some((part) => part.cache_control !== undefined);
  const content = cached ? (message.content as TextPart[]).map((part) => blockOfPart(part, '') as AnthropicTextBlock) : textOf(message.content);
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content, ...(message.is_error === true && { is_error: true }) };
}

function blockOfPart(part: ContentPart, param: string): AnthropicContentBlock {
  const cache = part.cache_control === undefined ? {} : { cache_control: part.cache_control };
  if (part.type === 'text') return { type: 'text', text: part.text, ...cache };
  const { url } = part.image_url;
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data !== null) return { type: 'image', source: { type: 'base64', media_type: data[1]!, data: data[2]! }, ...cache };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url }, ...cache };
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
