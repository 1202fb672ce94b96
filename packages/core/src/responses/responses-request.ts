import type { RoutingHints } from '../routing/routing-hints.js';
import type { RequestOptions } from '../pipeline/exchange.js';

/** A content part of an input message: text, an image, or (in an assistant message sent back) its earlier output. */
export type ResponsesInputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string; detail?: 'auto' | 'low' | 'high' }
  | { type: 'output_text'; text: string }
  | { type: 'refusal'; refusal: string };

/** One item of `input`, in OpenAI's Responses format. */
export type ResponsesInputItem =
  | { type: 'message'; role: 'user' | 'assistant' | 'system' | 'developer'; content: string | ResponsesInputContent[] }
  | { type: 'function_call'; call_id: string; name: string; arguments: string }
  | { type: 'function_call_output'; call_id: string; output: string | ResponsesInputContent[] };

export interface ResponsesFunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

export type ResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

/**
 * A Responses API request (`POST /v1/responses`) as routekit serves it, after validation. `model` is
 * a routekit model string, as on chat. Fields that only shape the answer object (`metadata`) are
 * echoed back; `store` and `previous_response_id` are the gateway's to act on.
 */
export interface ResponsesRequest {
  model: string;
  input: string | ResponsesInputItem[];
  instructions?: string;
  tools?: ResponsesFunctionTool[];
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; name: string };
  text?: { format?: ResponsesTextFormat };
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  parallel_tool_calls?: boolean;
  metadata?: Record<string, string>;
  user?: string;
  stream?: boolean;
  store?: boolean;
  previous_response_id?: string;
  reasoning?: { effort?: string };
  /** routekit's resilience fields, as on chat (taken out by the engine before the provider sees them). */
  'x-fallback-chain'?: string[];
  'x-routekit-deadline-ms'?: number;
}

/** A validated Responses request with routekit's own fields (hints, cache switch) taken out. */
export interface ParsedResponsesRequest {
  request: ResponsesRequest;
  hints: RoutingHints;
  options: RequestOptions;
}
