import type { ChatMessage, ChatRequest, ToolChoice } from '../chat/chat-request.js';
import { splitIntoPieces, type ReplyPlan } from './mock-reply.js';
import type { WireEvent } from './mock-stream.js';

type Block = { type: string; text?: string; id?: string; name?: string; input?: unknown; tool_use_id?: string; content?: string | Block[]; cache_control?: unknown };
interface MessagesBody {
  model: string;
  max_tokens: number;
  messages: { role: 'user' | 'assistant'; content: string | Block[] }[];
  system?: string | Block[];
  tools?: { name: string; description?: string; input_schema?: Record<string, unknown>; cache_control?: unknown }[];
  tool_choice?: { type: string; name?: string };
  stream?: boolean;
  thinking?: { type?: string };
  cache_control?: unknown;
  output_config?: { format?: { type?: string; schema?: Record<string, unknown> } | null };
}

/** What the mock answers beside the reply itself, from the Messages body: thinking, prompt-cache counts. */
export interface MessagesExtras {
  /** A thinking block first, when the request turned thinking on. */
  thinking: boolean;
  /** Prompt tokens written to and read from the (mock) prompt cache. */
  cacheCreation: number;
  cacheRead: number;
}

/**
 * The mock's prompt cache: the prompt up to a request's last `cache_control` breakpoint (tools,
 * then system, then messages, Anthropic's order) is written the first time it is seen and read
 * after that; its tokens are `ceil(characters / 4)` of its JSON. Without a breakpoint, nothing is cached.
 */
export function messagesExtras(body: MessagesBody, cachedPrefixes: Set<string>): MessagesExtras {
  const thinking = body.thinking?.type === 'enabled' || body.thinking?.type === 'adaptive';
  const sections: unknown[] = [...(body.tools ?? []), ...(typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : (body.system ?? []))];
  for (const message of body.messages) sections.push(...(typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content));
  let last = -1;
  sections.forEach((section, index) => {
    if (typeof section === 'object' && section !== null && (section as { cache_control?: unknown }).cache_control != null) last = index;
  });
  // Automatic caching (a request-level breakpoint) caches up to the last block.
  if (body.cache_control != null) last = sections.length - 1;
  if (last === -1) return { thinking, cacheCreation: 0, cacheRead: 0 };
  const prefix = JSON.stringify(sections.slice(0, last + 1));
  const tokens = Math.ceil(prefix.length / 4);
  if (cachedPrefixes.has(prefix)) return { thinking, cacheCreation: 0, cacheRead: tokens };
  cachedPrefixes.add(prefix);
  return { thinking, cacheCreation: tokens, cacheRead: 0 };
}

const mockThinking = 'Mock reasoning about the question.';
const mockSignature = 'mock-signature';

/** Anthropic's usage: cache reads and writes from `cache_control` markers and from the `promptCache` option, apart from `input_tokens`. */
function usageOf(plan: ReplyPlan, extras: MessagesExtras, outputTokens: number): Record<string, number> {
  const fromOption = inputUsageOf(plan);
  const read = extras.cacheRead + (fromOption.cache_read_input_tokens ?? 0);
  const written = extras.cacheCreation + (fromOption.cache_creation_input_tokens ?? 0);
  return { input_tokens: Math.max(0, plan.usage.prompt_tokens - read - written), output_tokens: outputTokens, cache_creation_input_tokens: written, cache_read_input_tokens: read };
}

const noExtras: MessagesExtras = { thinking: false, cacheCreation: 0, cacheRead: 0 };

/** The field a Messages body gets wrong, or undefined when it has what the mock needs. */
export function invalidMessagesField(body: unknown): string | undefined {
  const candidate = body as Partial<MessagesBody> | null;
  if (typeof candidate !== 'object' || candidate === null) return 'body';
  if (typeof candidate.model !== 'string') return 'model';
  if (typeof candidate.max_tokens !== 'number') return 'max_tokens';
  if (!Array.isArray(candidate.messages) || candidate.messages.length === 0) return 'messages';
  return undefined;
}

const textOf = (content: string | Block[] | undefined): string => (typeof content === 'string' ? content : (content ?? []).map((block) => block.text ?? '').join(''));

/** Reads a Messages request as a ChatRequest, so one `reply` function serves both APIs. */
export function chatRequestOfMessages(body: MessagesBody): ChatRequest {
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) messages.push({ role: 'system', content: textOf(body.system) });
  for (const message of body.messages) {
    if (typeof message.content === 'string') {
      messages.push({ role: message.role, content: message.content });
      continue;
    }
    const text = message.content.filter((block) => block.type === 'text').map((block) => block.text ?? '').join('');
    for (const block of message.content) {
      if (block.type === 'tool_result') messages.push({ role: 'tool', tool_call_id: block.tool_use_id ?? '', content: textOf(block.content) });
    }
    const toolUses = message.content.filter((block) => block.type === 'tool_use');
    if (message.role === 'assistant') {
      const tool_calls = toolUses.map((block) => ({ id: block.id ?? '', type: 'function' as const, function: { name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) } }));
      messages.push({ role: 'assistant', content: text, ...(tool_calls.length > 0 && { tool_calls }) });
    } else if (text !== '' || !message.content.some((block) => block.type === 'tool_result')) {
      messages.push({ role: 'user', content: text });
    }
  }
  const format = body.output_config?.format;
  const choice = body.tool_choice;
  const toolChoice: ToolChoice | undefined =
    choice?.type === 'any' ? 'required' : choice?.type === 'none' ? 'none' : choice?.type === 'tool' ? { type: 'function', function: { name: choice.name ?? '' } } : choice?.type === 'auto' ? 'auto' : undefined;
  return {
    model: body.model,
    messages,
    max_tokens: body.max_tokens,
    stream: body.stream === true,
    ...(body.tools !== undefined && { tools: body.tools.map((tool) => ({ type: 'function' as const, function: { name: tool.name, description: tool.description, parameters: tool.input_schema } })) }),
    ...(toolChoice !== undefined && { tool_choice: toolChoice }),
    ...(format?.type === 'json_schema' && { response_format: { type: 'json_schema' as const, json_schema: { name: 'output', schema: format.schema } } }),
  };
}

let messageCounter = 0;

const stopReasonOf = (plan: ReplyPlan): string => (plan.finishReason === 'tool_calls' ? 'tool_use' : plan.finishReason === 'length' ? 'max_tokens' : 'end_turn');

/** A non-streamed Messages response as Anthropic shapes it. */
export function messageOf(plan: ReplyPlan, extras: MessagesExtras = noExtras): Record<string, unknown> {
  const text = plan.textPieces.join('');
  return {
    id: `msg_mock_${++messageCounter}`,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content: [
      ...(extras.thinking ? [{ type: 'thinking', thinking: mockThinking, signature: mockSignature }] : []),
      ...(text !== '' || plan.toolCalls.length === 0 ? [{ type: 'text', text }] : []),
      ...plan.toolCalls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.arguments || '{}') })),
    ],
    stop_reason: stopReasonOf(plan),
    stop_sequence: null,
    usage: usageOf(plan, extras, plan.usage.completion_tokens),
  };
}

/** Anthropic counts prompt-cache reads and writes apart from `input_tokens` (OpenAI's shape counts them inside `prompt_tokens`). */
function inputUsageOf(plan: ReplyPlan): { input_tokens: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number } {
  const read = Number(plan.usage.prompt_tokens_details?.cached_tokens ?? 0);
  const written = Number(plan.usage.prompt_tokens_details?.cache_creation_tokens ?? 0);
  if (read === 0 && written === 0) return { input_tokens: plan.usage.prompt_tokens };
  return { input_tokens: plan.usage.prompt_tokens - read - written, cache_read_input_tokens: read, cache_creation_input_tokens: written };
}

/** The event stream of a streamed message, in Anthropic's order, with a `ping` after the start. */
export function messageEvents(plan: ReplyPlan, extras: MessagesExtras = noExtras): WireEvent[] {
  const event = (type: string, data: Record<string, unknown>, content = false): WireEvent => ({ text: `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`, content });
  const start = { ...messageOf(plan, extras), content: [], stop_reason: null, usage: usageOf(plan, extras, 1) };
  const events = [event('message_start', { message: start }), event('ping', {})];
  let index = 0;
  if (extras.thinking) {
    events.push(event('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    for (const piece of splitIntoPieces(mockThinking)) events.push(event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } }));
    events.push(event('content_block_delta', { index, delta: { type: 'signature_delta', signature: mockSignature } }));
    events.push(event('content_block_stop', { index }));
    index += 1;
  }
  if (plan.textPieces.length > 0 || plan.toolCalls.length === 0) {
    events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const piece of plan.textPieces) events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }, true));
    events.push(event('content_block_stop', { index }));
    index += 1;
  }
  for (const call of plan.toolCalls) {
    events.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }, true));
    events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
    for (const piece of call.argumentPieces) events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }, true));
    events.push(event('content_block_stop', { index }));
    index += 1;
  }
  events.push(event('message_delta', { delta: { stop_reason: stopReasonOf(plan), stop_sequence: null }, usage: { output_tokens: plan.usage.completion_tokens } }));
  events.push(event('message_stop', {}));
  return events;
}

/** An error body in Anthropic's shape. */
export function anthropicErrorBody(status: number, message?: string): { type: 'error'; error: { type: string; message: string } } {
  const type =
    status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return { type: 'error', error: { type, message: message ?? `Mock ${type}.` } };
}
