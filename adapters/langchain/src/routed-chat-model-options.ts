import type { BaseChatModel, BaseChatModelCallOptions, BaseChatModelParams, BindToolsInput } from '@langchain/core/language_models/chat_models';
import { ConfigurationError, type EngineMiddleware, type FeatureOptions, type InProcessEngineOptions, type ModelInfo, type ModelPair, type ReceiptStore, type ResponseFormat, type RoutingHints } from '@routekit/core';

/** The options of `new RoutedChatModel(...)`: routekit's (the same keys as `routerMiddleware`) and LangChain's own. */
export interface RoutedChatModelOptions extends Omit<BaseChatModelParams, 'cache'>, FeatureOptions {
  /** The chat models to route between, by routekit id, e.g. `{ 'openai/gpt-4.1-mini': new ChatOpenAI({ model: 'gpt-4.1-mini' }) }`. */
  models: Readonly<Record<string, BaseChatModel>>;
  /** The model string: `auto` (default), `router-lr-0.3`, `router@q:1|c:0.5`, or one id of `models`. */
  model?: string;
  /** Catalog entries (prices, capabilities, quality) for ids of `models` the shipped catalog does not know. */
  catalog?: ModelInfo[];
  /** The model receipts compare costs against; the most expensive of `models` when omitted. */
  defaultModel?: string;
  /** Where finished receipts go; process memory when omitted. */
  receipts?: ReceiptStore;
  /** How many ranked candidates one call may try before it fails. Default 3. */
  maxAttempts?: number;
  /** The strong/weak pair `router-<scorer>-<threshold>` chooses between; default the highest-quality and the cheapest of `models`. */
  pair?: ModelPair;
  /** Middleware of your own, after the built-in features. */
  middleware?: EngineMiddleware[];
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

const routekitKeys = ['models', 'model', 'catalog', 'defaultModel', 'receipts', 'maxAttempts', 'pair', 'middleware', 'rateLimits', 'pii', 'cache', 'spendLimits', 'store'];
const langchainKeys = ['callbacks', 'callbackManager', 'tags', 'metadata', 'verbose', 'maxConcurrency', 'maxRetries', 'onFailedAttempt', 'disableStreaming', 'outputVersion'];
const knownKeys = new Set([...routekitKeys, ...langchainKeys]);

/** Rejects what the engine would not catch: a misspelled key, and a model map that holds no chat models. */
export function checkOptions(options: RoutedChatModelOptions): void {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('RoutedChatModel needs an options object with `models`.', { key: 'models' });
  for (const key of Object.keys(options)) {
    if (!knownKeys.has(key)) throw new ConfigurationError(`Unknown option "${key}" for RoutedChatModel; known options: ${[...knownKeys].join(', ')}.`, { key });
  }
  if (typeof options.models !== 'object' || options.models === null) throw new ConfigurationError('`models` must map routekit ids to LangChain chat models.', { key: 'models' });
  for (const [id, model] of Object.entries(options.models)) {
    if (typeof (model as Partial<BaseChatModel> | null)?.invoke !== 'function' || typeof (model as Partial<BaseChatModel>).stream !== 'function') {
      throw new ConfigurationError(`models["${id}"] must be a LangChain chat model (e.g. new ChatOpenAI(...)).`, { key: `models.${id}` });
    }
  }
  if (options.model !== undefined && typeof options.model !== 'string') throw new ConfigurationError('`model` must be a model string such as "auto".', { key: 'model' });
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
  const features = ['rateLimits', 'pii', 'cache', 'spendLimits'] as const;
  return {
    model: options.model ?? 'auto',
    models: options.models,
    ...(options.defaultModel !== undefined && { defaultModel: options.defaultModel }),
    ...(options.maxAttempts !== undefined && { maxAttempts: options.maxAttempts }),
    ...Object.fromEntries(features.filter((feature) => options[feature] !== undefined && options[feature] !== false).map((feature) => [feature, true])),
  };
}
