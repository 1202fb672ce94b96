import { applyStandardModelFields, type Attempt, ConfigurationError, type ChatResult, type FeedbackInput, type FeedbackResult, checkModelString, classifyDelegateStream, createInProcessEngine, type Engine, type Exchange, type InProcessEngineOptions, parseAdapterOptions, type RoutingHints, type StandardModelFields, toDelegateFailure } from '@routekit/core';
import {
  ToolCallLLM,
  type ChatResponse,
  type ChatResponseChunk,
  type CompletionResponse,
  type LLM,
  type LLMChatParamsNonStreaming,
  type LLMChatParamsStreaming,
  type LLMCompletionParamsNonStreaming,
  type LLMCompletionParamsStreaming,
  type LLMMetadata,
  type ToolCallLLMMessageOptions,
} from '@llamaindex/core/llms';
import { fromDelegateResponse, fromDelegateStream } from './from-delegate-result.js';
import { textOf, toChatRequest, type LlamaIndexChatParams } from './to-chat-request.js';
import { toDelegateParams, type DelegateContext } from './to-delegate-params.js';
import { toLlamaIndexResponse, toLlamaIndexStream } from './to-llamaindex-response.js';

/** Any LlamaIndex LLM (`@llamaindex/openai`'s `OpenAI`, `Anthropic`, ...); only `chat` and `metadata` are used. */
export type DelegateLLM = Pick<LLM<object, ToolCallLLMMessageOptions>, 'chat' | 'metadata'>;

export interface RoutedLLMOptions extends Omit<InProcessEngineOptions<DelegateLLM>, 'models' | 'call'>, Pick<StandardModelFields, 'temperature' | 'topP' | 'maxTokens' | 'timeout' | 'maxRetries'> {
  /** The LlamaIndex LLMs to route between, by routekit catalog id, e.g. `{ 'openai/gpt-4.1-mini': new OpenAI({ model: 'gpt-4.1-mini' }) }`. */
  llms: Readonly<Record<string, DelegateLLM>>;
  /** The model string: `auto` (default), `router-<scorer>-<threshold>`, `router@q:…|c:…`, or one id of `llms`. */
  model?: string;
  /** Whose requests these are: caches, rate limits and spend are scoped to it. Default `default`. */
  tenant?: string;
  /** Hints that steer `auto`: `priority`, `max_latency_ms`, `prefer_providers`, ... */
  hints?: RoutingHints;
}

const ownOptions = ['llms', 'model', 'tenant', 'hints', 'catalog', 'pair', 'temperature', 'topP', 'maxTokens', 'timeout', 'maxRetries'] as const;

/**
 * A LlamaIndex LLM that routes each call to one of several LlamaIndex LLMs: the routekit engine
 * decides (routing, cache, PII, limits, fallback before the first token, receipts) and the chosen
 * LLM answers. The receipt is `raw.routekit` of a response, and of the last chunk of a stream.
 *
 * @example
 * Settings.llm = new RoutedLLM({ llms: { 'openai/gpt-4.1': new OpenAI({ model: 'gpt-4.1' }), 'openai/gpt-4.1-mini': new OpenAI({ model: 'gpt-4.1-mini' }) }, model: 'auto', pii: true });
 */
export class RoutedLLM extends ToolCallLLM<object, ToolCallLLMMessageOptions> {
  /** Calls with tools are routed only among tool-capable models (by the catalog), so the router takes them. */
  supportToolCall = true;
  /** The model string every call is routed with. */
  readonly model: string;
  /** The engine that decides; `engine.receipts` keeps every receipt. */
  readonly engine: Engine;
  readonly #tenant: string | undefined;
  readonly #hints: RoutingHints | undefined;
  /** Applied to whichever LLM is chosen; unset leaves each LLM's own. */
  readonly #sampling: Pick<StandardModelFields, 'temperature' | 'topP' | 'maxTokens'>;
  readonly #llms: Readonly<Record<string, DelegateLLM>>;
  readonly #contexts = new WeakMap<Exchange, DelegateContext>();

  constructor(options: RoutedLLMOptions) {
    super();
    // The other adapters call it `models`; closestOption would suggest `model`.
    if (typeof options === 'object' && options !== null && Object.hasOwn(options, 'models')) throw new ConfigurationError('RoutedLLM: models is not an option; the LLMs to route between go under `llms`.', { key: 'models' });
    const { llms, model = 'auto', tenant, hints, temperature, topP, maxTokens, timeout, maxRetries, ...engineOptions } = parseAdapterOptions(options, ownOptions, 'RoutedLLM');
    if (typeof llms !== 'object' || llms === null) throw new ConfigurationError('RoutedLLM: `llms` must map routekit ids to LlamaIndex LLMs, e.g. { "openai/gpt-4.1-mini": new OpenAI({ model: "gpt-4.1-mini" }) }.', { key: 'llms' });
    this.model = model;
    this.#tenant = tenant;
    this.#hints = hints;
    this.#llms = llms;
    this.#sampling = { ...(temperature !== undefined && { temperature }), ...(topP !== undefined && { topP }), ...(maxTokens !== undefined && { maxTokens }) };
    const engine = applyStandardModelFields({ temperature, topP, maxTokens, timeout, maxRetries }, engineOptions, ['temperature', 'topP', 'maxTokens', 'timeout', 'maxRetries'], 'RoutedLLM');
    this.engine = createInProcessEngine<DelegateLLM>({ ...engine, models: llms, call: (llm, attempt, signal) => this.#call(llm, attempt, signal) }, { adapter: 'RoutedLLM', modelsOption: 'llms' });
    checkModelString(this.engine, model, { adapter: 'RoutedLLM', option: 'model' });
  }

  get metadata(): LLMMetadata {
    const first = Object.values(this.#llms)[0]?.metadata;
    return {
      model: `routekit/${this.model}`,
      temperature: this.#sampling.temperature ?? first?.temperature ?? 0,
      topP: this.#sampling.topP ?? first?.topP ?? 1,
      ...(this.#sampling.maxTokens !== undefined && { maxTokens: this.#sampling.maxTokens }),
      // The smallest window of the routable models, so that a prompt LlamaIndex fits to it fits whichever is chosen.
      contextWindow: Math.min(...this.engine.catalog.routable().map((model) => model.contextWindow)),
      tokenizer: undefined,
      structuredOutput: false,
    };
  }

  /**
   * Feedback on an answer by its receipt's `request_id` (`raw.routekit.request_id`): `{ request_id,
   * score }` (0..1) or `{ request_id, thumbs: 'up' | 'down' }`, and `model` when the app compared
   * answers; for this LLM's `tenant`. Needs the `learning` option.
   */
  async feedback(input: FeedbackInput): Promise<FeedbackResult> {
    return this.engine.feedback(input, this.#tenant ?? 'default');
  }

  chat(params: LLMChatParamsStreaming<object, ToolCallLLMMessageOptions>): Promise<AsyncIterable<ChatResponseChunk<ToolCallLLMMessageOptions>>>;
  chat(params: LLMChatParamsNonStreaming<object, ToolCallLLMMessageOptions>): Promise<ChatResponse<ToolCallLLMMessageOptions>>;
  async chat(params: LlamaIndexChatParams): Promise<ChatResponse<ToolCallLLMMessageOptions> | AsyncIterable<ChatResponseChunk<ToolCallLLMMessageOptions>>> {
    const exchange = this.engine.createExchange({ request: toChatRequest(params, this.model, this.#sampling), ...(this.#tenant !== undefined && { tenant: this.#tenant }), ...(this.#hints !== undefined && { hints: this.#hints }) });
    this.#contexts.set(exchange, {
      tools: new Map((params.tools ?? []).map((tool) => [tool.metadata.name, tool])),
      toolErrors: new Map(params.messages.flatMap((message) => (message.options !== undefined && 'toolResult' in message.options ? [[message.options.toolResult.id, message.options.toolResult.isError] as const] : []))),
      additionalChatOptions: params.additionalChatOptions,
    });
    const result = await this.engine.run(exchange);
    return result.type === 'response' ? toLlamaIndexResponse(result.response, exchange.receipt) : toLlamaIndexStream(result.stream, exchange.receipt);
  }

  // BaseLLM's complete drops `raw` from stream chunks; this one keeps it, so the receipt reaches the app.
  override complete(params: LLMCompletionParamsStreaming): Promise<AsyncIterable<CompletionResponse>>;
  override complete(params: LLMCompletionParamsNonStreaming): Promise<CompletionResponse>;
  override async complete(params: LLMCompletionParamsStreaming | LLMCompletionParamsNonStreaming): Promise<CompletionResponse | AsyncIterable<CompletionResponse>> {
    const base = { messages: [{ role: 'user' as const, content: params.prompt }], ...(params.responseFormat !== undefined && { responseFormat: params.responseFormat }) };
    if (params.stream === true) {
      const stream = await this.chat({ ...base, stream: true });
      return (async function* () {
        for await (const chunk of stream) yield { text: chunk.delta, raw: chunk.raw };
      })();
    }
    const response = await this.chat(base);
    return { text: textOf(response.message.content), raw: response.raw };
  }

  async #call(llm: DelegateLLM, attempt: Attempt, signal: AbortSignal): Promise<ChatResult> {
    const params = toDelegateParams(attempt.request, this.#contexts.get(attempt.exchange)!);
    try {
      if (attempt.request.stream === true) {
        const stream = await llm.chat({ ...params, stream: true });
        return { type: 'stream', stream: classifyDelegateStream(fromDelegateStream(stream, attempt.request.model), attempt, signal) };
      }
      return { type: 'response', response: fromDelegateResponse(await llm.chat({ ...params, stream: false }), attempt.request.model) };
    } catch (error) {
      throw toDelegateFailure(error, attempt, signal);
    }
  }
}
