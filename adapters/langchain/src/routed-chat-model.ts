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
import { ConfigurationError, createInProcessEngine, parseModelSelector, type Engine, type Exchange, type FinishReason, type ChatResult as CoreChatResult, type Usage } from '@routekit/core';
import { callDelegate, delegateContexts, responseChunks } from './call-delegate.js';
import { engineFields, parseOptions, langchainFields, serializableFields, type RoutedChatModelCallOptions, type RoutedChatModelOptions } from './routed-chat-model-options.js';
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
    this.engine = createInProcessEngine({ ...engineFields(options), call: callDelegate });
    checkModelString(this.engine, this.model);
  }

  override _llmType(): string {
    return 'routekit';
  }

  override getLsParams(options: this['ParsedCallOptions']): LangSmithParams {
    return { ls_provider: 'routekit', ls_model_name: this.model, ls_model_type: 'chat', ...(options.stop !== undefined && { ls_stop: options.stop }) };
  }

  override invocationParams(options?: this['ParsedCallOptions']): Record<string, unknown> {
    return { model: this.model, ...(options?.tool_choice !== undefined && { tool_choice: options.tool_choice }), ...(options?.response_format !== undefined && { response_format: options.response_format }) };
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<RoutedChatModelCallOptions>): Runnable<BaseLanguageModelInput, AIMessageChunk, RoutedChatModelCallOptions> {
    return this.withConfig({ tools, ...kwargs });
  }

  override async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const { exchange, result } = await this.#run(messages, options, false);
    if (result.type !== 'response') throw new Error('RoutedChatModel: the engine answered a call without stream: true with a stream.');
    const message = toAIMessageChunk(result.response, exchange.receipt);
    const usage = message.usage_metadata!;
    // llmOutput.tokenUsage in LangChain's own camel-case shape, which handleLLMEnd consumers read.
    const tokenUsage = { promptTokens: usage.input_tokens, completionTokens: usage.output_tokens, totalTokens: usage.total_tokens };
    return { generations: [{ text: message.text, message }], llmOutput: { tokenUsage } };
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
    const request = toChatRequest({ model: this.model, messages, tools, toolChoice: tool_choice, responseFormat: response_format, stop, stream });
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

/** A model string that cannot route is a configuration error now, not a failure at the first call. */
function checkModelString(engine: Engine, model: string): void {
  try {
    const selector = parseModelSelector(model);
    if (selector.kind === 'explicit' && !engine.catalog.routable().includes(engine.catalog.resolve(model))) {
      throw new Error(`"${model}" is not one of \`models\`.`);
    }
    if (selector.kind === 'threshold' && !engine.router.scorerNames().includes(selector.scorer)) {
      throw new Error(`unknown router scorer "${selector.scorer}"; available: ${engine.router.scorerNames().join(', ')}.`);
    }
  } catch (error) {
    throw new ConfigurationError(`model: ${(error as Error).message}`, { key: 'model', cause: error });
  }
}
