import type { AnthropicExtras, CacheControl, ChatMessage, ChatRequest, ContentPart, FunctionTool, ImagePart, TextPart, ThinkingBlock, ToolCall, ToolChoice } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';
import type { MessagesContentBlock, MessagesRequestBody } from './messages-request-schema.js';

type Block<T extends MessagesContentBlock['type']> = Extract<MessagesContentBlock, { type: T }>;

const cacheOf = (marker: CacheControl | null | undefined): { cache_control?: CacheControl } => (marker === null || marker === undefined ? {} : { cache_control: marker });

function textPartOf(block: Block<'text'>): TextPart {
  return { type: 'text', text: block.text, ...cacheOf(block.cache_control) };
}

function imagePartOf(block: Block<'image'>): ImagePart {
  const { source } = block;
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: 'image_url', image_url: { url }, ...cacheOf(block.cache_control) };
}

/** Text blocks as a string when nothing needs the parts (a cache breakpoint), else as parts. */
function textContentOf(blocks: Block<'text'>[]): string | TextPart[] {
  return blocks.some((block) => block.cache_control) ? blocks.map(textPartOf) : blocks.map((block) => block.text).join('');
}

/**
 * A user turn: its tool results become `tool` messages (first, as Anthropic puts them), the rest
 * one user message. Images inside a tool result, which an OpenAI tool message cannot hold, follow
 * in a user message of their own; an Anthropic upstream merges it back into the same turn.
 */
function userMessages(blocks: MessagesContentBlock[], path: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  const resultImages: ImagePart[] = [];
  blocks.forEach((block, index) => {
    if (block.type === 'text') parts.push(textPartOf(block));
    else if (block.type === 'image') parts.push(imagePartOf(block));
    else if (block.type === 'tool_result') {
      const content = block.content ?? '';
      const texts = typeof content === 'string' ? content : content.filter((part) => part.type === 'text');
      if (typeof content !== 'string') for (const part of content) if (part.type === 'image') resultImages.push(imagePartOf(part));
      let toolContent: string | TextPart[] = typeof texts === 'string' ? texts : textContentOf(texts);
      // Anthropic's breakpoint on the result block itself goes on its last text, where it caches the same prefix.
      if (block.cache_control) toolContent = withMarkerOnLast(toolContent, block.cache_control);
      messages.push({ role: 'tool', tool_call_id: block.tool_use_id, content: toolContent, ...(block.is_error === true && { is_error: true }) });
    } else throw new InvalidRequestError(`${path}[${index}] is a ${block.type} block, which only an assistant turn may hold.`, { param: `${path}[${index}].type`, code: 'invalid_value' });
  });
  if (resultImages.length > 0) messages.push({ role: 'user', content: resultImages });
  if (parts.length > 0) messages.push({ role: 'user', content: parts.every((part) => part.type === 'text' && part.cache_control === undefined) ? parts.map((part) => (part as TextPart).text).join('') : parts });
  return messages;
}

function withMarkerOnLast(content: string | TextPart[], marker: CacheControl): TextPart[] {
  const parts = typeof content === 'string' ? [{ type: 'text' as const, text: content }] : [...content];
  if (parts.length === 0) parts.push({ type: 'text', text: '' });
  parts[parts.length - 1] = { ...parts.at(-1)!, cache_control: marker };
  return parts;
}

function assistantMessage(blocks: MessagesContentBlock[], path: string): ChatMessage {
  const texts: Block<'text'>[] = [];
  const toolCalls: ToolCall[] = [];
  const thinking: ThinkingBlock[] = [];
  blocks.forEach((block, index) => {
    if (block.type === 'text') texts.push(block);
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) }, ...cacheOf(block.cache_control) });
    else if (block.type === 'thinking') thinking.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    else if (block.type === 'redacted_thinking') thinking.push({ type: 'redacted_thinking', data: block.data });
    else throw new InvalidRequestError(`${path}[${index}] is a ${block.type} block, which an assistant turn cannot hold.`, { param: `${path}[${index}].type`, code: 'invalid_value' });
  });
  return {
    role: 'assistant',
    content: texts.length === 0 ? null : textContentOf(texts),
    ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
    ...(thinking.length > 0 && { thinking_blocks: thinking }),
  };
}

function toolChoiceOf(choice: NonNullable<MessagesRequestBody['tool_choice']>): ToolChoice {
  if (choice.type === 'any') return 'required';
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.name } };
  return choice.type;
}

/**
 * Translates a validated Messages request into the engine's OpenAI-shaped ChatRequest. What
 * OpenAI's format has no place for rides along as routekit extensions an Anthropic upstream sends
 * on and other upstreams drop: `cache_control` on parts, tool calls and tools, `thinking_blocks`
 * on assistant turns, `is_error` on tool results, and `x-anthropic` (beta header values, `top_k`,
 * `thinking`, the request-level `cache_control`, `output_config`).
 */
export function toChatRequest(body: MessagesRequestBody, beta: string[] = []): ChatRequest {
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) messages.push({ role: 'system', content: typeof body.system === 'string' ? body.system : textContentOf(body.system) });
  body.messages.forEach((message, index) => {
    const path = `messages[${index}].content`;
    // As Anthropic: only a final assistant turn (a prefill) may be empty.
    const last = index === body.messages.length - 1 && message.role === 'assistant';
    if (message.content.length === 0 && !last) throw new InvalidRequestError(`${path} must not be empty.`, { param: path, code: 'invalid_value' });
    if (message.role === 'system') {
      const { content } = message;
      if (typeof content !== 'string' && content.some((block) => block.type !== 'text')) throw new InvalidRequestError(`${path} of a system message may hold only text blocks.`, { param: path, code: 'invalid_value' });
      messages.push({ role: 'system', content: typeof content === 'string' ? content : textContentOf(content as Block<'text'>[]) });
    } else if (typeof message.content === 'string') messages.push({ role: message.role, content: message.content });
    else if (message.role === 'user') messages.push(...userMessages(message.content, path));
    else messages.push(assistantMessage(message.content, path));
  });

  const request: ChatRequest = { model: body.model, messages, max_tokens: body.max_tokens };
  if (body.tools !== undefined && body.tools.length > 0) {
    request.tools = body.tools.map(
      (tool): FunctionTool => ({
        type: 'function',
        function: { name: tool.name, ...(tool.description !== undefined && { description: tool.description }), parameters: tool.input_schema, ...(tool.strict !== undefined && { strict: tool.strict }) },
        ...cacheOf(tool.cache_control),
      }),
    );
  }
  if (body.tool_choice !== undefined) {
    request.tool_choice = toolChoiceOf(body.tool_choice);
    if ('disable_parallel_tool_use' in body.tool_choice && body.tool_choice.disable_parallel_tool_use === true) request.parallel_tool_calls = false;
  }
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.top_p = body.top_p;
  if (body.stop_sequences !== undefined && body.stop_sequences.length > 0) request.stop = body.stop_sequences;
  if (typeof body.metadata?.user_id === 'string') request.user = body.metadata.user_id;
  // Usage (and the receipt) arrive on the stream's last chunk only when asked for.
  if (body.stream === true) {
    request.stream = true;
    request.stream_options = { include_usage: true };
  }
  const format = body.output_config?.format;
  if (format) request.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };

  const extras: AnthropicExtras = {};
  if (beta.length > 0) extras.beta = beta;
  if (body.top_k !== undefined) extras.top_k = body.top_k;
  if (body.thinking !== undefined) extras.thinking = body.thinking;
  if (body.cache_control) extras.cache_control = body.cache_control;
  if (body.output_config !== undefined) extras.output_config = body.output_config;
  if (Object.keys(extras).length > 0) request['x-anthropic'] = extras;
  return request;
}
