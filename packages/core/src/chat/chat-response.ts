import type { ThinkingBlock, ToolCall } from './chat-request.js';

export interface Usage {
  /** Every input token, those read from or written to a provider's prompt cache included. */
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /**
   * The part of `prompt_tokens` a prompt cache served: `cached_tokens` were read from it (OpenAI's
   * own field; Anthropic's `cache_read_input_tokens`), `cache_creation_tokens` were written to it
   * (routekit's addition, Anthropic's `cache_creation_input_tokens`). Each is priced at the model's
   * cached-input and cache-write prices.
   */
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_tokens?: number; [field: string]: unknown } | null;
  [field: string]: unknown;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface ChatChoice {
  index: number;
  message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[]; refusal?: string | null; thinking_blocks?: ThinkingBlock[] };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
  /** The stop sequence that ended the answer, when the provider says which (Anthropic does); a routekit extension. */
  stop_sequence?: string | null;
}

/** A non-streamed chat completion in OpenAI's format. */
export interface ChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}

/** A tool call fragment inside a stream chunk; `index` ties fragments of one call together. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** A reasoning block fragment inside a stream chunk; `index` ties the fragments of one block together. */
export interface ThinkingBlockDelta {
  index: number;
  type?: 'thinking' | 'redacted_thinking';
  thinking?: string;
  signature?: string;
  data?: string;
}

export interface ChunkChoice {
  index: number;
  delta: { role?: 'assistant'; content?: string | null; tool_calls?: ToolCallDelta[]; refusal?: string | null; thinking_blocks?: ThinkingBlockDelta[] };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
  /** As on `ChatChoice`, on the chunk that finishes. */
  stop_sequence?: string | null;
}

/** One `chat.completion.chunk` of an SSE stream. The usage-only chunk has empty `choices`. */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChunkChoice[];
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}
