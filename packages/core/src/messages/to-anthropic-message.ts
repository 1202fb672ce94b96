import type { ChatChoice, ChatResponse, FinishReason, Usage } from '../chat/chat-response.js';
import type { AnthropicStopReason, AnthropicUsage } from '../upstream/anthropic-types.js';

/** A content block of an answer, as Anthropic's `Message.content` holds it. */
export type AnthropicAnswerBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

/** Anthropic's `Message`: what `messages.create` returns. */
export interface AnthropicMessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicAnswerBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
  usage: AnthropicUsage;
  [field: string]: unknown;
}

/** OpenAI's finish reasons in Anthropic's terms; a named stop sequence is Anthropic's `stop_sequence`. */
export function stopReasonOf(reason: FinishReason | null | undefined, stopSequence: string | null | undefined): NonNullable<AnthropicStopReason> {
  if (reason === 'length') return 'max_tokens';
  if (reason === 'tool_calls' || reason === 'function_call') return 'tool_use';
  if (reason === 'content_filter') return 'refusal';
  return typeof stopSequence === 'string' ? 'stop_sequence' : 'end_turn';
}

/**
 * The core's usage in Anthropic's terms: Anthropic's `input_tokens` leaves out the prompt-cache
 * reads and writes, which it counts in fields of their own.
 */
export function anthropicUsageOf(usage: Usage | undefined | null): AnthropicUsage {
  const read = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const written = usage?.prompt_tokens_details?.cache_creation_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - read - written),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
  };
}

/** A tool call's JSON arguments as the object Anthropic's `input` is; text that is not an object is kept under `raw`, never dropped. */
export function toolInputOf(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    const input: unknown = JSON.parse(text);
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input;
  } catch {
    // Below: the text is kept so the client sees what the model sent.
  }
  return { raw: text };
}

function contentOf(choice: ChatChoice | undefined): AnthropicAnswerBlock[] {
  const message = choice?.message;
  const blocks: AnthropicAnswerBlock[] = [...(message?.thinking_blocks ?? [])];
  const calls = message?.tool_calls ?? [];
  // Anthropic sends a text block unless the turn is only tool calls.
  if ((message?.content ?? '') !== '' || calls.length === 0) blocks.push({ type: 'text', text: message?.content ?? '' });
  for (const call of calls) blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInputOf(call.function.arguments) });
  return blocks;
}

/**
 * Translates a chat completion into Anthropic's Message: thinking, text and tool_use blocks, the
 * stop reason, and usage with the prompt-cache counts apart. `model` is the model that answered.
 * Fields routekit adds (the receipt) are added by the caller beside these.
 */
export function toAnthropicMessage(response: ChatResponse): AnthropicMessageResponse {
  const choice = response.choices[0];
  return {
    id: response.id,
    type: 'message',
    role: 'assistant',
    model: response.model,
    content: contentOf(choice),
    stop_reason: stopReasonOf(choice?.finish_reason, choice?.stop_sequence),
    stop_sequence: choice?.stop_sequence ?? null,
    usage: anthropicUsageOf(response.usage),
  };
}
