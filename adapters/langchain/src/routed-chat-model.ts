import type { BaseLanguageModelInput, StructuredOutputMethodOptions } from '@langchain/core/language_models/base';
import { BaseChatModel, type BindToolsInput, type LangSmithParams } from '@langchain/core/language_models/chat_models';
import { assembleStructuredOutputPipeline, createContentParser, createFunctionCallingParser } from '@langchain/core/language_models/structured_output';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { convertChunksToEvents } from '@langchain/core/language_models/compat';
import type { ChatModelStreamEvent, MessageFinishEvent } from '@langchain/core/language_models/event';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { ChatGenerationChunk, ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import type { SerializableSchema } from '@langchain/core/utils/standard_schema';
import { getSchemaDescription, isInteropZodSchema, type InteropZodType } from '@langchain/core/utils/types';
import { checkModelString, ConfigurationError, createInProcessEngine, type Engine, type Exchange, type FeedbackInput, type FeedbackResult, type FinishReason, type ChatResult as CoreChatResult, type Usage } from '@routekit/core';
import { callDelegate, delegateContexts, responseChunks } from './call-delegate.js';
import { engineFields, parseOptions, langchainFields, serializableFields, standardFields, type RoutedChatModelCallOptions, type RoutedChatModelOptions } from './routed-chat-model-options.js';
import { toChatRequest } from './to-chat-request.js';
import { toAIMessageChunk, toClosingChunk, toGenerationChunk } from './to-langchain-output.js';

/**
 * A LangChain chat model that routes every call: routekit's engine picks one of `models` (and
 * runs PII redaction, the cache, limits, fallback and receipts), then the chosen model answers.
 * Works wherever a chat model does: chains, agents, LangGraph nodes. The receipt of each call is
 * `response_metadata.routekit`; the chosen id is `response_metadata.model_name`.
 *
 * @example
 * const llm = new RoutedChatModel({
 *   models: { 'openai/gpt-4.1': new ChatOpenAI({ model: 'gpt-4.1' }), 'openai/gpt-4.1-mini': new ChatOpenAI({ model: 'gpt-4.1-mini' }) },
 *   model: 'router-lr-0.3', cache: true, pii: true,
 * });
 * const answer = await llm.invoke('What is the capital of France?');
 */
export class RoutedChatModel extends BaseChatModel<RoutedChatModelCallOptions, AIMessageChunk> {
  /** The model string every call is routed with. */
  readonly model: string;
  /** The delegates, by routekit id. */
  readonly models: Readonly<Record<string, BaseChatModel>>;
  /** The engine that decides; its `receipts` store holds every call's receipt. */
  readonly engine: Engine;
  /** Applied to whichever model is chosen; unset leaves each model's own. */
  readonly temperature: number | undefined;
  readonly maxTokens: number | undefined;
  readonly topP: number | undefined;
  readonly frequencyPenalty: number | undefined;
  readonly presencePenalty: number | undefined;
  /** Stop sequences of every call; a call's own `stop` replaces them. */
  readonly stop: string[] | undefined;
  /** `invoke` streams from the chosen model, so callbacks see each token. */
  readonly streaming: boolean;

  static override lc_name(): string {
    return 'RoutedChatModel';
  }

  override lc_serializable = true;
  override lc_namespace = ['routekit', 'chat_models'];

  constructor(input: RoutedChatModelOptions) {
    const options = parseOptions(input);
    super(langchainFields(options));
    this.lc_kwargs = serializableFields(options);
    this.model = options.model ?? 'auto';
    this.models = options.models;
    const standard = standardFields(options);
    this.temperature = standard.temperature;
    this.maxTokens = standard.maxTokens;
    this.topP = standard.topP;
    this.frequencyPenalty = standard.frequencyPenalty;
    this.presencePenalty = standard.presencePenalty;
    this.stop = standard.stop;
    this.streaming = standard.streaming;
    this.engine = createInProcessEngine({ ...engineFields(options), call: callDelegate }, { adapter: 'RoutedChatModel' });
    checkModelString(this.engine, this.model, { adapter: 'RoutedChatModel', option: 'model' });
  }

  override _llmType(): string {
    return 'routekit';
  }

  /**
   * Feedback on an answer by its receipt's `request_id` (`response_metadata.routekit.request_id`):
   * `{ request_id, score }` (0..1) or `{ request_id, thumbs: 'up' | 'down' }`, and `model` when the
   * app compared answers; `tenant` as the call's. Needs the `learning` option.
   */
  async feedback(input: FeedbackInput, options: { tenant?: string } = {}): Promise<FeedbackResult> {
    return this.engine.feedback(input, options.tenant ?? 'default');
  }

  /** LangSmith's standard params: the model string routed with, and the sampling settings every call gets (unset ones as undefined, as LangChain's own models report them). */
  override getLsParams(options: this['ParsedCallOptions']): LangSmithParams {
    return { ls_provider: 'routekit', ls_model_name: this.model, ls_model_type: 'chat', ls_temperature: this.temperature, ls_max_tokens: this.maxTokens, ls_stop: options?.stop ?? this.stop };
  }

  override invocationParams(options?: this['ParsedCallOptions']): Record<string, unknown> {
    const stop = options?.stop ?? this.stop;
    return {
      model: this.model,
      ...(this.temperature !== undefined && { temperature: this.temperature }),
      ...(this.maxTokens !== undefined && { max_tokens: this.maxTokens }),
      ...(this.topP !== undefined && { top_p: this.topP }),
      ...(this.frequencyPenalty !== undefined && { frequency_penalty: this.frequencyPenalty }),
      ...(this.presencePenalty !== undefined && { presence_penalty: this.presencePenalty }),
      ...(stop !== undefined && { stop }),
      ...(options?.tool_choice !== undefined && { tool_choice: options.tool_choice }),
      ...(options?.response_format !== undefined && { response_format: options.response_format }),
    };
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<RoutedChatModelCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, RoutedChatModelCallOptions> {
    return this.withConfig({ tools, ...kwargs });
  }

  override async _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    if (this.streaming) return this.#generateByStreaming(messages, options, runManager);
    const { exchange, result } = await this.#run(messages, options, false);
    if (result.type !== 'response') throw new Error('RoutedChatModel: the engine answered a call without stream: true with a stream.');
    const message = toAIMessageChunk(result.response, exchange.receipt);
    const usage = message.usage_metadata!;
    // llmOutput.tokenUsage in LangChain's own camel-case shape, which handleLLMEnd consumers read.
    const tokenUsage = { promptTokens: usage.input_tokens, completionTokens: usage.output_tokens, totalTokens: usage.total_tokens };
    return { generations: [{ text: message.text, message }], llmOutput: { tokenUsage } };
  }

  /** LangChain's `streaming: true`: the answer is streamed (each token reaches callbacks) and returned whole. */
  async #generateByStreaming(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): Promise<ChatResult> {
    let whole: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) whole = whole === undefined ? chunk : whole.concat(chunk);
    const message = whole!.message as AIMessageChunk;
    const usage = message.usage_metadata;
    const tokenUsage = usage === undefined ? undefined : { promptTokens: usage.input_tokens, completionTokens: usage.output_tokens, totalTokens: usage.total_tokens };
    return { generations: [{ text: message.text, message }], llmOutput: { ...(tokenUsage !== undefined && { tokenUsage }) } };
  }

  override async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    const { exchange, result } = await this.#run(messages, options, true);
    let usage: Usage | undefined;
    let finishReason: FinishReason | null = null;
    for await (const chunk of result.type === 'stream' ? result.stream : responseChunks(result.response)) {
      if (chunk.usage) usage = chunk.usage;
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      const generation = toGenerationChunk(chunk);
      if (generation === undefined) continue;
      yield generation;
      await runManager?.handleLLMNewToken(generation.text, undefined, undefined, undefined, undefined, { chunk: generation });
    }
    // The engine has finished the receipt by now: the stream's end is where it writes it.
    const closing = toClosingChunk(exchange.id, finishReason, usage, exchange.receipt);
    yield closing;
    await runManager?.handleLLMNewToken(closing.text, undefined, undefined, undefined, undefined, { chunk: closing });
  }

  /**
   * LangChain's content-block events, bridged from the chunks as LangChain does by default; the
   * bridge drops response metadata, so the finish reason, the chosen model and the receipt are put
   * back on `message-finish`.
   */
  override async *_streamChatModelEvents(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatModelStreamEvent> {
    let metadata: Record<string, unknown> = {};
    const chunks = this._streamResponseChunks(messages, options, runManager);
    async function* remembered(): AsyncGenerator<ChatGenerationChunk> {
      for await (const chunk of chunks) {
        metadata = { ...metadata, ...chunk.message.response_metadata };
        yield chunk;
      }
    }
    for await (const event of convertChunksToEvents(remembered(), { ...(options.signal !== undefined && { signal: options.signal }) })) {
      if (event.event !== 'message-finish') yield event;
      else yield { ...event, reason: eventFinishReasonOf(metadata.finish_reason), responseMetadata: metadata };
    }
  }

  /**
   * Structured output by tool calling (default) or by JSON schema (`method: 'jsonSchema'`, also
   * used for `jsonMode`): either way routing only considers models that support it, and the
   * answer is validated against a zod schema when one is given.
   */
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: StructuredSchema<RunOutput>, config?: StructuredOutputMethodOptions<false>): Runnable<BaseLanguageModelInput, RunOutput>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: StructuredSchema<RunOutput>, config?: StructuredOutputMethodOptions<true>): Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }>;
  override withStructuredOutput<RunOutput extends Record<string, any> = Record<string, any>>(outputSchema: StructuredSchema<RunOutput>, config?: StructuredOutputMethodOptions<boolean>): Runnable<BaseLanguageModelInput, RunOutput> | Runnable<BaseLanguageModelInput, { raw: BaseMessage; parsed: RunOutput }> {
    const schema = outputSchema as Record<string, unknown>;
    const asJsonSchema = toJsonSchema(schema as never) as Record<string, unknown>;
    const name = config?.name ?? (typeof asJsonSchema.title === 'string' ? asJsonSchema.title : 'extract');
    const description = getSchemaDescription(schema as never) ?? (typeof asJsonSchema.description === 'string' ? asJsonSchema.description : undefined);
    if (config?.method === 'jsonSchema' || config?.method === 'jsonMode') {
      const jsonSchema = { name, schema: asJsonSchema, ...(config.strict !== undefined && { strict: config.strict }), ...(description !== undefined && { description }) };
      const llm = this.withConfig({ response_format: { type: 'json_schema', json_schema: jsonSchema }, ls_structured_output_format: { kwargs: { method: 'json_schema' }, schema: { title: name, ...asJsonSchema } } });
      return assembleStructuredOutputPipeline<RunOutput>(llm, createContentParser<RunOutput>(schema), config.includeRaw);
    }
    if (config?.method !== undefined && config.method !== 'functionCalling') throw new ConfigurationError(`withStructuredOutput method "${config.method}" is not supported; use "functionCalling" or "jsonSchema".`, { key: 'method' });
    const tool = { type: 'function', function: { name, description: description ?? 'Structured output.', parameters: asJsonSchema, ...(config?.strict !== undefined && { strict: config.strict }) } };
    const llm = this.withConfig({ tools: [tool], tool_choice: name, ls_structured_output_format: { kwargs: { method: 'function_calling' }, schema: { title: name, ...asJsonSchema } } });
    const parser = createFunctionCallingParser<RunOutput>(isInteropZodSchema(schema) ? schema : asJsonSchema, name);
    return assembleStructuredOutputPipeline<RunOutput>(llm, parser, config?.includeRaw);
  }

  async #run(messages: BaseMessage[], options: this['ParsedCallOptions'], stream: boolean): Promise<{ exchange: Exchange; result: CoreChatResult }> {
    const { tools, tool_choice, response_format, tenant, routingHints, cache, signal, stop, timeout: _timeout, maxConcurrency: _concurrency, ls_structured_output_format: _format, outputVersion: _version, ...passThrough } = options;
    const sampling = { temperature: this.temperature, maxTokens: this.maxTokens, topP: this.topP, frequencyPenalty: this.frequencyPenalty, presencePenalty: this.presencePenalty };
    const request = toChatRequest({ model: this.model, messages, tools, toolChoice: tool_choice, responseFormat: response_format, stop: stop ?? this.stop, sampling, stream });
    const exchange = this.engine.createExchange({
      request,
      ...(tenant !== undefined && { tenant }),
      ...(routingHints !== undefined && { hints: routingHints }),
      ...(signal !== undefined && { signal }),
      ...(cache === false && { options: { cache: false } }),
    });
    delegateContexts.set(exchange, { messages, tools, passThrough });
    return { exchange, result: await this.engine.run(exchange) };
  }
}

/** OpenAI's finish reasons in the event protocol's terms. */
const eventFinishReasons: Record<string, MessageFinishEvent['reason']> = { stop: 'stop', length: 'length', tool_calls: 'tool_use', content_filter: 'content_filter' };

function eventFinishReasonOf(reason: unknown): MessageFinishEvent['reason'] {
  return typeof reason === 'string' && Object.hasOwn(eventFinishReasons, reason) ? eventFinishReasons[reason] : 'stop';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- LangChain's own signature.
type StructuredSchema<RunOutput extends Record<string, any>> = InteropZodType<RunOutput> | SerializableSchema<RunOutput> | Record<string, any>;
