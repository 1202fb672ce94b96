import { NoSuchModelError, type LanguageModelV4, type ProviderV4 } from '@ai-sdk/provider';
import { checkModelString, ConfigurationError, createInProcessEngine, type Engine, type EngineMiddleware, type EngineOptions, type FeatureOptions, type FeedbackInput, type FeedbackResult, type ModelInfo, type ModelPair, parseAdapterOptions, type ReceiptStore } from '@routekit/core';
import { commonSupportedUrls } from './common-supported-urls.js';
import { RoutedLanguageModel } from './routed-language-model.js';
import { callDelegate } from './run-through-engine.js';

export interface RoutekitOptions extends FeatureOptions {
  /** The models to route between, by catalog id: `{ 'openai/gpt-4.1': openai.chat('gpt-4.1') }`. */
  models: Readonly<Record<string, LanguageModelV4>>;
  /** Catalog entries (prices, capabilities, quality) for ids the shipped catalog does not know. */
  catalog?: ModelInfo[];
  /** The model receipts compare costs against; the most expensive of `models` when omitted. */
  defaultModel?: string;
  /** Where finished receipts go; process memory when omitted. */
  receipts?: ReceiptStore;
  /** How many ranked candidates one call may try before it fails. Default 3. */
  maxAttempts?: number;
  /** The strong/weak pair of `router-<scorer>-<threshold>`; default the highest-quality and the cheapest of `models`. */
  pair?: ModelPair;
  /** Engine middleware of your own, after the built-in features. */
  middleware?: EngineMiddleware[];
  /** Routing that learns from the app's feedback (`routekit.feedback(...)`); off by default. */
  learning?: EngineOptions['learning'];
}

/** An AI SDK provider whose models are routekit model strings. */
export interface RoutekitProvider extends ProviderV4 {
  (modelString: string): LanguageModelV4;
  languageModel(modelString: string): LanguageModelV4;
  /** The engine behind every model of this provider (receipts, catalog, live latency). */
  readonly engine: Engine;
  /**
   * Feedback on an answer by its receipt's `request_id` (`providerMetadata.routekit.request_id`):
   * `{ request_id, score }` (0..1) or `{ request_id, thumbs: 'up' | 'down' }`, and `model` when the
   * app compared answers. Needs the `learning` option.
   */
  feedback(input: FeedbackInput, options?: { tenant?: string }): Promise<FeedbackResult>;
}

/**
 * Creates the routekit provider: `routekit('auto')` is a LanguageModelV4 that picks one of
 * `models` per call (routing, cache, PII, limits, fallback before the first token, receipts).
 *
 * @example
 * const routekit = createRoutekit({ models: { 'openai/gpt-4.1': openai.chat('gpt-4.1'), 'openai/gpt-4.1-mini': openai.chat('gpt-4.1-mini') }, pii: true });
 * const { text } = await generateText({ model: routekit('auto'), prompt: 'Hello!' });
 */
export function createRoutekit(options: RoutekitOptions): RoutekitProvider {
  const config = parseAdapterOptions(options, ['models', 'catalog', 'pair'], 'createRoutekit');
  if (typeof config.models !== 'object' || config.models === null) throw new ConfigurationError('models must map catalog ids to AI SDK models, e.g. { "openai/gpt-4.1-mini": openai.chat("gpt-4.1-mini") }.', { key: 'models' });
  for (const [id, model] of Object.entries(config.models)) {
    if (model?.specificationVersion !== 'v4') throw new ConfigurationError(`models["${id}"] must be an AI SDK LanguageModelV4 (ai@7 providers such as @ai-sdk/openai@4).`, { key: `models.${id}` });
  }
  const engine = createInProcessEngine<LanguageModelV4>({ ...config, call: callDelegate }, { adapter: 'createRoutekit' });
  let urls: Promise<Record<string, RegExp[]>> | undefined;
  const supportedUrls = () => (urls ??= commonSupportedUrls(Object.values(config.models)));
  const languageModel = (modelString: string): LanguageModelV4 => {
    checkLanguageModelId(engine, modelString);
    return new RoutedLanguageModel(modelString, engine, supportedUrls);
  };
  return Object.assign(languageModel, {
    specificationVersion: 'v4' as const,
    languageModel,
    engine,
    feedback: (input: FeedbackInput, feedbackOptions: { tenant?: string } = {}) => engine.feedback(input, feedbackOptions.tenant ?? 'default'),
    embeddingModel(modelId: string): never {
      throw new NoSuchModelError({ modelId, modelType: 'embeddingModel' });
    },
    imageModel(modelId: string): never {
      throw new NoSuchModelError({ modelId, modelType: 'imageModel' });
    },
  });
}

/** A model string that cannot route is refused when the model is made, in the AI SDK's own error for an unknown id. */
function checkLanguageModelId(engine: Engine, modelString: string): void {
  try {
    checkModelString(engine, modelString, { adapter: 'createRoutekit', option: 'model id' });
  } catch (error) {
    throw new NoSuchModelError({ modelId: String(modelString), modelType: 'languageModel', message: (error as Error).message });
  }
}
