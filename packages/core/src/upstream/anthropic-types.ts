/** The parts of Anthropic's Messages API (version 2023-06-01) that routekit translates. */

export type AnthropicImageSource = { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };

import type { CacheControl, ThinkingBlock } from '../chat/chat-request.js';

/** A prompt-cache breakpoint, which Anthropic takes on most blocks and on tools. */
type Cached = { cache_control?: CacheControl };

export type AnthropicTextBlock = { type: 'text'; text: string } & Cached;

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | ({ type: 'image'; source: AnthropicImageSource } & Cached)
  | ({ type: 'tool_use'; id: string; name: string; input: unknown } & Cached)
  | ({ type: 'tool_result'; tool_use_id: string; content: string | AnthropicTextBlock[]; is_error?: boolean } & Cached)
  | ThinkingBlock;

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicContentBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  cache_control?: CacheControl;
}

export type AnthropicToolChoice = ({ type: 'auto' } | { type: 'any' } | { type: 'none' } | { type: 'tool'; name: string }) & { disable_parallel_tool_use?: boolean };

export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string | AnthropicTextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  thinking?: Record<string, unknown>;
  cache_control?: CacheControl;
  output_config?: Record<string, unknown>;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  stream?: boolean;
  metadata?: { user_id: string };
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | null;

export interface AnthropicResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ({ type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown } | ThinkingBlock | { type: string; [field: string]: unknown })[];
  stop_reason: AnthropicStopReason;
  stop_sequence?: string | null;
  usage: AnthropicUsage;
}

/** The events of a streamed message, in the order Anthropic sends them. */
export type AnthropicStreamEvent =
  | { type: 'message_start'; message: AnthropicResponse }
  | { type: 'content_block_start'; index: number; content_block: { type: string; id?: string; name?: string; text?: string; input?: unknown; thinking?: string; signature?: string; data?: string } }
  | {
      type: 'content_block_delta';
      index: number;
      delta: { type: 'text_delta'; text: string } | { type: 'input_json_delta'; partial_json: string } | { type: 'thinking_delta'; thinking: string } | { type: 'signature_delta'; signature: string } | { type: string };
    }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: AnthropicStopReason; stop_sequence?: string | null }; usage: Partial<AnthropicUsage> }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: { type: string; message: string } };
