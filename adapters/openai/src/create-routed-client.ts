import { type ChatChunk, type ChatResponse, type Engine, type FeedbackInput, type FeedbackResult, fromEngineResponse, InvalidRequestError, parseAdapterOptions, parseChatRequest, parseEmbeddingRequest, ProviderFailedError, parseModelSelector, type Receipt, type ReceiptStore, type ResponseStore, type RouterFile, type RoutingHints } from '@routekit/core';
import { Stream } from 'openai/streaming';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsBase, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import { createClientEngine, type ClientEngineOptions } from './create-client-engine.js';
import { routedResponses, type RoutedResponses } from './routed-responses.js';
import { toOpenAIError } from './to-openai-error.js';

export interface RoutedClientOptions extends ClientEngineOptions {
  /** Whose requests these are: caches, rate limits and spend are scoped to it. Default `default`. */
  tenant?: string;
  /**
   * RouteLLM's Controller: the routers `router-<name>-<threshold>` may name (e.g. `['mf']`); any when
   * omitted. A file from `routekit train` (a `.json` path, or its parsed contents) in the list is
   * loaded and may be named too.
   */
  routers?: Array<string | RouterFile>;
  /** Where `responses.create` keeps responses for `previous_response_id` (your opt-in to keeping conversation text); none by default, so nothing is stored. */
  responseStore?: ResponseStore;
  /** How long a stored response is kept, in days. Default 30. */
  responseRetentionDays?: number;
}

/** routekit's own fields a request body may carry beside OpenAI's, as the gateway reads them. */
export interface RoutekitFields {
  /** Steer `auto`: `priority`, `max_latency_ms`, `prefer_providers`, `exclude_providers`, `min_quality_score`. */
  'x-routing-hints'?: RoutingHints;
  /** `false` skips the cache for this request. */
  cache?: boolean;
}

/** An OpenAI chat completion with routekit's receipt under `x-routekit`, as the gateway answers. */
export type RoutedChatCompletion = ChatCompletion & { 'x-routekit': Receipt };

/** Per-call options (the second argument of `create`, as in the `openai` package). */
export interface RoutedRequestOptions {
  /** Aborts the call (and the delegate's request); the call then rejects with `APIUserAbortError`. */
  signal?: AbortSignal | null | undefined;
  /** Overrides the client's `tenant` for this call. */
  tenant?: string;
}

export interface RoutedCompletions {
  create(body: ChatCompletionCreateParamsNonStreaming & RoutekitFields, options?: RoutedRequestOptions): Promise<RoutedChatCompletion>;
  create(body: ChatCompletionCreateParamsStreaming & RoutekitFields, options?: RoutedRequestOptions): Promise<Stream<ChatCompletionChunk>>;
  create(body: ChatCompletionCreateParamsBase & RoutekitFields, options?: RoutedRequestOptions): Promise<Stream<ChatCompletionChunk> | RoutedChatCompletion>;
}

/** OpenAI's embeddings response with routekit's receipt under `x-routekit`, as the gateway answers. */
export type RoutedEmbeddingResponse = CreateEmbeddingResponse & { 'x-routekit': Receipt };

/** An `openai`-shaped client whose `chat.completions.create` routes in-process. */
export interface RoutedClient {
  chat: { completions: RoutedCompletions };
  /** OpenAI's Responses API, routed in-process: `create` (JSON or `stream: true`) and the `stream()` helper. */
  responses: RoutedResponses;
  /**
   * `embeddings.create` for an embedding model named explicitly, with the same limits, PII policy,
   * cache and receipts; over `providers`, or on the `models` client of that id (its `embeddings.create`).
   * Vectors come back as the provider sent them: floats, or base64 strings for `encoding_format: "base64"`.
   */
  embeddings: { create(body: EmbeddingCreateParams & Pick<RoutekitFields, 'cache'>, options?: RoutedRequestOptions): Promise<RoutedEmbeddingResponse> };
  /** The engine that decides. */
  readonly engine: Engine;
  /** Every receipt by request id: a completion's `id`, and every chunk's `id` of a stream. */
  readonly receipts: ReceiptStore;
  /**
   * Feedback on an answer by its receipt's `request_id` (`x-routekit.request_id`): `{ request_id, score }`
   * (0..1) or `{ request_id, thumbs: 'up' | 'down' }`, and `model` when the app compared answers. Needs
   * `learning`; refusals are `openai`'s error classes (`BadRequestError`, `NotFoundError`).
   */
  feedback(input: FeedbackInput, options?: { tenant?: string }): Promise<FeedbackResult>;
}

const ownOptions = ['providers', 'models', 'catalog', 'strongModel', 'weakModel', 'tenant', 'routers', 'responseStore', 'responseRetentionDays'] as const;

/**
 * A drop-in for the `openai` client's `chat.completions.create` that routes each request with the
 * routekit engine and no server in between (RouteLLM's `Controller`): over `providers` with
 * routekit's HTTP client, or over `openai` clients you pass as `models`. It returns what the
 * `openai` package returns (a `ChatCompletion`, or a `Stream` of `ChatCompletionChunk`s) and throws
 * its error classes.
 *
 * @example
 * const client = createRoutedClient({ models: { 'openai/gpt-4.1': new OpenAI(), 'openai/gpt-4.1-mini': new OpenAI() }, cache: true });
 * const completion = await client.chat.completions.create({ model: 'router-lr-0.3', messages: [{ role: 'user', content: 'Hello!' }] });
 */
export function createRoutedClient(options: RoutedClientOptions): RoutedClient {
  const { tenant, routers, responseStore, responseRetentionDays, ...engineOptions } = parseAdapterOptions(options, ownOptions, 'createRoutedClient');
  const trained = (routers ?? []).filter((router) => typeof router !== 'string' || router.endsWith('.json'));
  const engine = createClientEngine({ ...engineOptions, routers: trained });
  const allowed = routers === undefined ? undefined : [...routers.filter((router): router is string => typeof router === 'string' && !router.endsWith('.json')), ...engine.router.scorerNames().filter((name) => !['lr', 'complexity', 'default'].includes(name))];

  async function create(body: ChatCompletionCreateParamsBase & RoutekitFields, requestOptions: RoutedRequestOptions = {}): Promise<Stream<ChatCompletionChunk> | RoutedChatCompletion> {
    const signal = requestOptions.signal ?? undefined;
    const controller = new AbortController();
    try {
      const parsed = parseChatRequest(body);
      assertRouterAllowed(parsed.request.model, allowed);
      const caller = requestOptions.tenant ?? tenant;
      const exchange = engine.createExchange({ ...parsed, ...(caller !== undefined && { tenant: caller }), signal: signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]) });
      const result = await engine.run(exchange);
      if (result.type === 'response') return toChatCompletion(result.response, exchange.receipt);
      return new Stream(() => translateFailures(result.stream, signal)[Symbol.asyncIterator](), controller);
    } catch (error) {
      throw toOpenAIError(error, signal);
    }
  }

  const responses = routedResponses(engine, { tenant, responseStore, retentionDays: responseRetentionDays ?? 30 });
  async function embed(body: EmbeddingCreateParams & Pick<RoutekitFields, 'cache'>, requestOptions: RoutedRequestOptions = {}): Promise<RoutedEmbeddingResponse> {
    const signal = requestOptions.signal ?? undefined;
    try {
      const parsed = parseEmbeddingRequest(body);
      const caller = requestOptions.tenant ?? tenant;
      const exchange = engine.createExchange({ request: parsed.request, options: parsed.options, ...(caller !== undefined && { tenant: caller }), ...(signal !== undefined && { signal }) });
      const result = await engine.run(exchange);
      if (result.type !== 'response') throw new ProviderFailedError('An embeddings call answered with a stream.', { provider: exchange.receipt.winner ?? 'unknown', model: body.model, failure: 'bad_response' });
      return { ...fromEngineResponse(result.response), 'x-routekit': exchange.receipt } as RoutedEmbeddingResponse;
    } catch (error) {
      throw toOpenAIError(error, signal);
    }
  }

  async function feedback(input: FeedbackInput, feedbackOptions: { tenant?: string } = {}): Promise<FeedbackResult> {
    try {
      return await engine.feedback(input, feedbackOptions.tenant ?? tenant ?? 'default');
    } catch (error) {
      throw toOpenAIError(error, undefined);
    }
  }

  return { chat: { completions: { create: create as RoutedCompletions['create'] } }, responses, embeddings: { create: embed }, engine, receipts: engine.receipts, feedback };
}

function assertRouterAllowed(model: string, routers: readonly string[] | undefined): void {
  if (routers === undefined) return;
  const selector = parseModelSelector(model);
  if (selector.kind === 'threshold' && !routers.includes(selector.scorer)) {
    throw new InvalidRequestError(`Router "${selector.scorer}" is not among this client's routers (${routers.join(', ')}).`, { code: 'router_unavailable', param: 'model' });
  }
}

/** Fills the fields OpenAI always sends (`refusal`, `logprobs`) where a provider left them out. */
function toChatCompletion(response: ChatResponse, receipt: Receipt): RoutedChatCompletion {
  const choices = response.choices.map((choice) => ({ ...choice, logprobs: choice.logprobs ?? null, message: { ...choice.message, refusal: choice.message.refusal ?? null } }));
  return { ...response, choices, 'x-routekit': receipt } as RoutedChatCompletion;
}

async function* translateFailures(stream: AsyncIterable<ChatChunk>, signal: AbortSignal | undefined): AsyncGenerator<ChatCompletionChunk> {
  try {
    for await (const chunk of stream) yield chunk as unknown as ChatCompletionChunk;
  } catch (error) {
    throw toOpenAIError(error, signal);
  }
}
