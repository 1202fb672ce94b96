import type { BaseChatModel, BaseChatModelCallOptions, BaseChatModelParams, BindToolsInput } from '@langchain/core/language_models/chat_models';
import { applyStandardModelFields, ConfigurationError, parseAdapterOptions, type InProcessEngineOptions, type ResponseFormat, type RoutingHints, type StandardModelFields } from '@routekit/core';

/**
 * The options of `new RoutedChatModel(...)`: the in-process engine's (the same feature keys as
 * `routerMiddleware`: `rateLimits`, `pii`, `cache`, `spendLimits`, `store`, `defaultModel`,
 * `maxAttempts`, `receipts`, `resilience`, `middleware`, plus `models`, `catalog`, `pair`), LangChain's own, and
 * LangChain's standard model fields (`temperature`, `maxTokens`, `topP`, `frequencyPenalty`, `presencePenalty`,
 * `timeout`, `maxRetries`), applied to whichever model is chosen.
 */
export interface RoutedChatModelOptions extends Omit<BaseChatModelParams, 'cache'>, Omit<InProcessEngineOptions<BaseChatModel>, 'call'>, StandardModelFields {
  /** The chat models to route between, by routekit id, e.g. `{ 'openai/gpt-4.1-mini': new ChatOpenAI({ model: 'gpt-4.1-mini' }) }`. */
  models: Readonly<Record<string, BaseChatModel>>;
  /** The model string: `auto` (default), `router-lr-0.3`, `router@q:1|c:0.5`, or one id of `models`. */
  model?: string;
  /** Stop sequences of every call (a call's own `stop` replaces them). */
  stop?: string[];
  /** The same as `stop` (LangChain's other name for it). */
  stopSequences?: string[];
  /** `true`: `invoke` streams from the chosen model, so callbacks get each token (LangChain's `streaming`). */
  streaming?: boolean;
  /**
   * Accepted for LangChain's standard constructor shape and not used: routekit has no key of its own,
   * each model in `models` calls its provider with its own credentials.
   */
  apiKey?: string;
}

/** Per-call options: LangChain's, plus whose call this is and how to route it. */
export interface RoutedChatModelCallOptions extends BaseChatModelCallOptions {
  /** Tools bound with `bindTools`; routing then only considers tool-capable models. */
  tools?: BindToolsInput[];
  /** OpenAI's response_format, set by `withStructuredOutput({ method: 'jsonSchema' })`; routing then needs JSON support. */
  response_format?: ResponseFormat;
  /** Whose call this is: caches, limits and spend are scoped to it. Default `default`. */
  tenant?: string;
  /** Hints that steer `auto`: priority, max_latency_ms, prefer_providers, exclude_providers, min_quality_score. */
  routingHints?: RoutingHints;
  /** `false` skips routekit's answer cache for this call. */
  cache?: boolean;
}

const ownKeys = ['models', 'model', 'catalog', 'pair'];
const langchainKeys = ['callbacks', 'callbackManager', 'tags', 'metadata', 'verbose', 'maxConcurrency', 'onFailedAttempt', 'disableStreaming', 'outputVersion'];
/** LangChain's standard chat-model fields: routekit applies them to whichever model it chooses. */
const standardKeys = ['temperature', 'maxTokens', 'topP', 'frequencyPenalty', 'presencePenalty', 'stop', 'stopSequences', 'timeout', 'maxRetries', 'streaming', 'apiKey'];

/** The standard fields, as `new RoutedChatModel` keeps them. */
export interface StandardFields {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stop?: string[];
  streaming: boolean;
}

/**
 * Strict options under routerMiddleware's rules: an unknown key is a ConfigurationError naming it and
 * the option it most likely meant; the features are validated by core key by key (seed names
 * included), and the model map must hold chat models. Returns the options with the parsed features.
 */
export function parseOptions(options: RoutedChatModelOptions): RoutedChatModelOptions {
  const parsed = parseAdapterOptions(options, [...ownKeys, ...langchainKeys, ...standardKeys], 'RoutedChatModel');
  checkStandardFields(parsed);
  if (typeof parsed.models !== 'object' || parsed.models === null) throw new ConfigurationError('`models` must map routekit ids to LangChain chat models.', { key: 'models' });
  for (const [id, model] of Object.entries(parsed.models)) {
    if (typeof (model as Partial<BaseChatModel> | null)?.invoke !== 'function' || typeof (model as Partial<BaseChatModel>).stream !== 'function') {
      throw new ConfigurationError(`models["${id}"] must be a LangChain chat model (e.g. new ChatOpenAI(...)).`, { key: `models.${id}` });
    }
  }
  if (parsed.model !== undefined && typeof parsed.model !== 'string') throw new ConfigurationError('`model` must be a model string such as "auto".', { key: 'model' });
  return parsed;
}

function checkStandardFields(options: RoutedChatModelOptions): void {
  for (const key of ['stop', 'stopSequences'] as const) {
    const value = options[key];
    if (value !== undefined && (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))) throw new ConfigurationError(`RoutedChatModel: ${key} must be an array of strings.`, { key });
  }
  if (options.stop !== undefined && options.stopSequences !== undefined) throw new ConfigurationError('RoutedChatModel: give stop or stopSequences, not both (they are the same field).', { key: 'stopSequences' });
  if (options.streaming !== undefined && typeof options.streaming !== 'boolean') throw new ConfigurationError('RoutedChatModel: streaming must be true or false.', { key: 'streaming' });
  if (options.apiKey !== undefined && typeof options.apiKey !== 'string') throw new ConfigurationError('RoutedChatModel: apiKey must be a string (and is not used: each model in `models` has its own).', { key: 'apiKey' });
}

/** The standard fields the model keeps for its calls and its LangSmith params. */
export function standardFields(options: RoutedChatModelOptions): StandardFields {
  const stop = options.stop ?? options.stopSequences;
  return {
    ...(options.temperature !== undefined && { temperature: options.temperature }),
    ...(options.maxTokens !== undefined && { maxTokens: options.maxTokens }),
    ...(options.topP !== undefined && { topP: options.topP }),
    ...(options.frequencyPenalty !== undefined && { frequencyPenalty: options.frequencyPenalty }),
    ...(options.presencePenalty !== undefined && { presencePenalty: options.presencePenalty }),
    ...(stop !== undefined && stop.length > 0 && { stop }),
    streaming: options.streaming === true,
  };
}

/** LangChain's own constructor fields, for BaseChatModel; routekit's `cache` must not reach LangChain's. */
export function langchainFields(options: RoutedChatModelOptions): BaseChatModelParams {
  return Object.fromEntries(Object.entries(options).filter(([key]) => langchainKeys.includes(key))) as BaseChatModelParams;
}

/**
 * The engine's options: everything but LangChain's fields and the model string (which each call
 * carries); `timeout` and `maxRetries` become the engine's attempt policy, so they hold for whichever
 * model is chosen and a timed-out model moves the call on to the next candidate.
 */
export function engineFields(options: RoutedChatModelOptions): Omit<InProcessEngineOptions<BaseChatModel>, 'call'> {
  const fields = Object.fromEntries(Object.entries(options).filter(([key]) => key !== 'model' && !langchainKeys.includes(key) && !standardKeys.includes(key))) as Omit<InProcessEngineOptions<BaseChatModel>, 'call'>;
  return applyStandardModelFields(options, fields, ['temperature', 'maxTokens', 'topP', 'frequencyPenalty', 'presencePenalty', 'timeout', 'maxRetries'], 'RoutedChatModel');
}

/**
 * What `toJSON()` records: the model string and the delegates (which hide their own secrets), and
 * only which features are on: their settings can hold webhook URLs, stores and clients.
 */
export function serializableFields(options: RoutedChatModelOptions): Record<string, unknown> {
  const features = ['rateLimits', 'pii', 'cache', 'spendLimits', 'tracing', 'resilience'] as const;
  return {
    model: options.model ?? 'auto',
    models: options.models,
    ...Object.fromEntries(standardKeys.filter((key) => key !== 'apiKey' && (options as unknown as Record<string, unknown>)[key] !== undefined).map((key) => [key, (options as unknown as Record<string, unknown>)[key]])),
    ...(options.defaultModel !== undefined && { defaultModel: options.defaultModel }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...Object.fromEntries(features.filter((feature) => options[feature] !== undefined && options[feature] !== false).map((feature) => [feature, true])),
  };
}
