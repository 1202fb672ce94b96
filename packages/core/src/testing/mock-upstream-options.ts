import type { ChatRequest } from '../chat/chat-request.js';

/**
 * A failure the mock plays instead of answering.
 * - `status`: an error response in the API's own shape, with `Retry-After` when given.
 * - `timeout`: reads the request and never answers.
 * - `reset`: reads the request and destroys the socket.
 * - `malformed-json`: a 200 whose body (or first stream event) is not valid JSON.
 * - `cut-stream`: streams `afterChunks` content chunks, then destroys the socket
 *   (for a JSON request, the socket is destroyed halfway through the body).
 * - `delay`: waits `ms` more before the answer (a slow endpoint), then answers normally.
 */
export type MockFailure =
  | { type: 'status'; status: number; retryAfterSeconds?: number }
  | { type: 'timeout' }
  | { type: 'reset' }
  | { type: 'malformed-json' }
  | { type: 'cut-stream'; afterChunks: number }
  | { type: 'delay'; ms: number };

/** What the mock answers: a text, or a text and/or tool calls (`arguments` is a JSON string). */
export type MockReply = string | { content?: string; tool_calls?: { name: string; arguments: string }[] };

/** Which of the mock's APIs a request came in through. */
export type MockApi = 'openai' | 'anthropic';

export interface MockUpstreamOptions {
  /** Delay before the first token (and before a JSON answer), in ms. Default 0. */
  timeToFirstTokenMs?: number;
  /** Output speed: one piece (a word, or 8 characters of tool arguments) per 1/tokensPerSecond s. Default: no delay. */
  tokensPerSecond?: number;
  /**
   * Chooses the answer. Anthropic requests arrive translated to a ChatRequest. By default: a call
   * to the chosen (or first) tool, with arguments valid for its parameters schema (see
   * `schemaInstance`), when the request has tools, `tool_choice` is not `none` and the last message
   * is not a tool result; otherwise `Mock answer from <model>.`, or with `response_format` JSON:
   * `{"answer": "Mock answer from <model>."}` for `json_object`, an instance of the schema for `json_schema`.
   */
  reply?: (request: ChatRequest, api: MockApi) => MockReply;
  /** Failures that always happen for a model, by the model name in the request body. */
  failures?: Record<string, MockFailure>;
  /** Chooses a failure per chat request (after `failNext` and before `failures`): random faults for load tests. */
  chooseFailure?: (request: ChatRequest, api: MockApi) => MockFailure | undefined;
  /** When set, requests need `Authorization: Bearer <apiKey>` or `x-api-key: <apiKey>`, or get a 401. */
  apiKey?: string;
  /** The ids `GET /v1/models` lists. Default: a few OpenAI and Anthropic model names. */
  models?: string[];
  /**
   * Reports prompt-cache usage: `true` for the mock's own cache (a request whose earlier messages
   * were seen before reads them from the cache: OpenAI's `prompt_tokens_details.cached_tokens`,
   * Anthropic's `cache_read_input_tokens`; Anthropic also reports the first sighting as
   * `cache_creation_input_tokens`), or a function that says how many tokens were read and written.
   */
  promptCache?: boolean | ((request: ChatRequest, api: MockApi) => { read: number; written: number });
}

/** One request the mock received. */
export interface RecordedRequest {
  method: string;
  /** The path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  /** The query string with its `?`, or '' (Azure's `?api-version=…`). */
  query?: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON (undefined when empty). */
  body: unknown;
  /** True once the client closed the connection before the answer was complete. */
  aborted: boolean;
}

/** A running mock upstream. */
export interface MockUpstream {
  /** The base URL ending in `/v1`, e.g. `http://127.0.0.1:40123/v1`: a `baseURL` for OpenAI clients. */
  readonly url: string;
  readonly port: number;
  /** Every request received since the start (or the last `reset`), oldest first. */
  readonly requests: RecordedRequest[];
  /** TCP connections accepted since the start (or the last `reset`): tells keep-alive reuse apart. */
  readonly connections: number;
  /** Plays `failure` for the next `count` chat requests (of any model), then answers normally again. */
  failNext(failure: MockFailure, count?: number): void;
  /** Forgets recorded requests, pending `failNext` failures and the connection count. */
  reset(): void;
  /** Stops the server and destroys open connections, including ones a `timeout` failure holds. */
  close(): Promise<void>;
}
