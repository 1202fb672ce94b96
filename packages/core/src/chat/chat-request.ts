/**
 * Anthropic's prompt-cache breakpoint. A routekit extension on text and image parts, tool calls and
 * tools: an Anthropic upstream sends it on, an OpenAI-compatible upstream drops it.
 */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

/** A text part of a user, system or assistant message. */
export interface TextPart {
  type: 'text';
  text: string;
  cache_control?: CacheControl;
}

/** An image part of a user message; `url` is an https URL or a `data:` URL. */
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
  cache_control?: CacheControl;
}

export type ContentPart = TextPart | ImagePart;

/** A function call the assistant asked for, as OpenAI sends it: arguments are a JSON string. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  cache_control?: CacheControl;
}

/**
 * A reasoning block of an assistant turn as Anthropic returns it (a routekit extension, on
 * `thinking_blocks`): Anthropic needs them back, signature intact, in a tool loop with thinking on.
 */
export type ThinkingBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

export type ChatMessage =
  | { role: 'system' | 'developer'; content: string | TextPart[]; name?: string }
  | { role: 'user'; content: string | ContentPart[]; name?: string }
  | { role: 'assistant'; content: string | TextPart[] | null; name?: string; tool_calls?: ToolCall[]; refusal?: string | null; thinking_blocks?: ThinkingBlock[] }
  | { role: 'tool'; content: string | TextPart[]; tool_call_id: string; /** Anthropic's `tool_result.is_error` (a routekit extension). */ is_error?: boolean };

export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
  cache_control?: CacheControl;
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } };

/**
 * A chat completion request in OpenAI's format. `model` is a routekit model string: `auto`,
 * `router-<scorer>-<threshold>`, `router@q:…|c:…`, or an explicit `provider/model`.
 * Fields routekit does not know pass through to the provider untouched.
 */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  seed?: number;
  n?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  user?: string;
  /** What only Anthropic's Messages API takes, for an Anthropic upstream; other upstreams drop it (routekit's `x-` fields stay home). */
  'x-anthropic'?: AnthropicExtras;
  [field: string]: unknown;
}

/** Anthropic's request fields with no OpenAI equivalent, carried for an Anthropic upstream. */
export interface AnthropicExtras {
  /** The `anthropic-beta` header's values. */
  beta?: string[];
  top_k?: number;
  /** Extended thinking, as Anthropic's `thinking` field (`{ type: 'enabled', budget_tokens }`, …). */
  thinking?: Record<string, unknown>;
  /** The request-level cache breakpoint (automatic caching of the last block). */
  cache_control?: CacheControl;
  /** Anthropic's `output_config` (effort, and the structured output `format` also given as `response_format`). */
  output_config?: Record<string, unknown>;
}
