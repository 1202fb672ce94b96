import type { BaseChatModel, BaseChatModelCallOptions, BaseChatModelParams, BindToolsInput } from '@langchain/core/language_models/chat_models';
import { ConfigurationError, parseAdapterOptions, type InProcessEngineOptions, type ResponseFormat, type RoutingHints } from '@routekit/core';

/**
 * The options of `new RoutedChatModel(...)`: the in-process engine's (the same feature keys as
 * `routerMiddleware`: `rateLimits`, `pii`, `cache`, `spendLimits`, `store`, `defaultModel`,
 * `maxAttempts`, `receipts`, `resilience`, `middleware`, plus `models`, `catalog`, `pair`) and LangChain's own.
 */
export interface RoutedChatModelOptions extends Omit<BaseChatModelParams, 'cache'>, Omit<InProcessEngineOptions<BaseChatModel>, 'call'> {
  /** The chat models to route between, by routekit id, e.g. `{ 'openai/gpt-4.1-mini': new ChatOpenAI({ model: 'gpt-4.1-mini' }) }`. */
  models: Readonly<Record<string, BaseChatModel>>;
  /** The model string: `auto` (default), `router-lr-0.3`, `router@q:1|c:0.5`, or one id of `models`. */
  model?: string;
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
const langchainKeys = ['callbacks', 'callbackManager', 'tags', 'metadata', 'verbose', 'maxConcurrency', 'maxRetries', 'onFailedAttempt', 'disableStreaming', 'outputVersion'];

/**
 * Strict options under routerMiddleware's rules: an unknown key is a ConfigurationError naming it and
 * the option it most likely meant; the features are validated by core key by key (seed names
 * included), and the model map must hold chat models. Returns the options with the parsed features.
 */
export function parseOptions(options: RoutedChatModelOptions): RoutedChatModelOptions {
  const parsed = parseAdapterOptions(options, [...ownKeys, ...langchainKeys], 'RoutedChatModel');
  if (typeof parsed.models !== 'object' || parsed.models === null) throw new ConfigurationError('`models` must map routekit ids to LangChain chat models.', { key: 'models' });
  for (const [id, model] of Object.entries(parsed.models)) {
    if (typeof (model as Partial<BaseChatModel> | null)?.invoke !== 'function' || typeof (model as Partial<BaseChatModel>).stream !== 'function') {
      throw new ConfigurationError(`models["${id}"] must be a LangChain chat model (e.g. new ChatOpenAI(...)).`, { key: `models.${id}` });
    }
  }
  if (parsed.model !== undefined && typeof parsed.model !== 'string') throw new ConfigurationError('`model` must be a model string such as "auto".', { key: 'model' });
  return parsed;
}

/** LangChain's own constructor fields, for BaseChatModel; routekit's `cache` must not reach LangChain's. */
export function langchainFields(options: RoutedChatModelOptions): BaseChatModelParams {
  return Object.fromEntries(Object.entries(options).filter(([key]) => langchainKeys.includes(key))) as BaseChatModelParams;
}

/** The engine's options: everything but LangChain's fields and the model string (which each call carries). */
export function engineFields(options: RoutedChatModelOptions): Omit<InProcessEngineOptions<BaseChatModel>, 'call'> {
  return Object.fromEntries(Object.entries(options).filter(([key]) => key !== 'model' && !langchainKeys.includes(key))) as Omit<InProcessEngineOptions<BaseChatModel>, 'call'>;
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
    ...(options.defaultModel !== undefined && { defaultModel: options.defaultModel }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...Object.fromEntries(features.filter((feature) => options[feature] !== undefined && options[feature] !== false).map((feature) => [feature, true])),
  };
}
