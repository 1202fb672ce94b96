import type { ResponsesFunctionTool, ResponsesRequest, ResponsesTextFormat } from './responses-request.js';

export interface ResponseOutputText {
  type: 'output_text';
  text: string;
  annotations: never[];
  logprobs: never[];
}

export interface ResponseOutputMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  status: 'in_progress' | 'completed' | 'incomplete';
  content: Array<ResponseOutputText | { type: 'refusal'; refusal: string }>;
}

export interface ResponseFunctionCall {
  id: string;
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export type ResponseOutputItem = ResponseOutputMessage | ResponseFunctionCall;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** A Responses API response object (`object: "response"`), as OpenAI's SDK types it. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  metadata: Record<string, string>;
  model: string;
  output: ResponseOutputItem[];
  /** The text of every output message, joined; the SDK derives it too, other clients read it. */
  output_text: string;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  tool_choice: NonNullable<ResponsesRequest['tool_choice']>;
  tools: Array<Required<Pick<ResponsesFunctionTool, 'type' | 'name'>> & { description: string | null; parameters: Record<string, unknown> | null; strict: boolean | null }>;
  text: { format: ResponsesTextFormat };
  previous_response_id: string | null;
  store: boolean;
  background: false;
  truncation: 'disabled';
  user?: string;
  usage?: ResponseUsage;
  [field: string]: unknown;
}

/** What a response echoes of its request and how it was made, before any output exists. */
export interface ResponseIdentity {
  id: string;
  /** Seconds since the epoch. */
  createdAt: number;
  /** The model that answers (the routed id), or the requested model string before one answered. */
  model: string;
  store: boolean;
}

/** The response object without output: the shell a stream's `response.created` carries and the final object fills. */
export function responseShell(request: ResponsesRequest, identity: ResponseIdentity): ResponseObject {
  return {
    id: identity.id,
    object: 'response',
    created_at: identity.createdAt,
    status: 'in_progress',
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    metadata: request.metadata ?? {},
    model: identity.model,
    output: [],
    output_text: '',
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    tool_choice: request.tool_choice ?? 'auto',
    tools: (request.tools ?? []).map((tool) => ({ type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? null })),
    text: { format: request.text?.format ?? { type: 'text' } },
    previous_response_id: request.previous_response_id ?? null,
    store: identity.store,
    background: false,
    truncation: 'disabled',
    ...(request.user !== undefined && { user: request.user }),
  };
}
