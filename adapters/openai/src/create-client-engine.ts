import { type Attempt, type ChatChunk, type ChatResponse, type ChatResult, classifyDelegateStream, ConfigurationError, InvalidRequestError, isEmbeddingRequest, toEngineResponse, upstreamEmbeddingBody, createInProcessEngine, createUpstreamCall, Engine, type EngineMiddleware, type EngineOptions, type FeatureOptions, LatencyTracker, ModelCatalog, type ModelInfo, type ModelPair, type ProviderConfig, readRouterFiles, type ReceiptStore, type ResilienceOptions, resolveLearning, Router, toDelegateFailure } from '@routekit/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';

/** The part of an `openai` client a delegate needs; `new OpenAI({ apiKey, baseURL })` is one. */
export interface ChatCompletionsClient {
  chat: {
    completions: {
      create(body: ChatCompletionCreateParamsNonStreaming, options?: { signal?: AbortSignal | null }): PromiseLike<ChatCompletion>;
      create(body: ChatCompletionCreateParamsStreaming, options?: { signal?: AbortSignal | null }): PromiseLike<AsyncIterable<ChatCompletionChunk>>;
    };
  };
  /** Needed only by a delegate for an embedding model (`client.embeddings.create`). */
  embeddings?: { create(body: EmbeddingCreateParams, options?: { signal?: AbortSignal | null }): PromiseLike<CreateEmbeddingResponse> };
}

export interface ClientEngineOptions extends FeatureOptions {
  /** Providers to call over HTTP (routekit's own client, as the gateway does); their catalog models are routable. */
  providers?: ProviderConfig[];
  /** Or: `openai` clients to delegate to, by routekit catalog id, e.g. `{ 'openai/gpt-4.1-mini': new OpenAI() }`; only these are routable. */
  models?: Readonly<Record<string, ChatCompletionsClient>>;
  /** Catalog entries (prices, capabilities, quality) for models the shipped catalog does not know. */
  catalog?: ModelInfo[];
  /** The model receipts compare costs against, e.g. `openai/gpt-4.1`: what the app used before. */
  defaultModel?: string;
  /** Where finished receipts go; process memory when omitted. */
  receipts?: ReceiptStore;
  /** How many ranked candidates one request may try before it fails. Default 3. */
  maxAttempts?: number;
  /** Middleware of your own, after the built-in features. */
  middleware?: EngineMiddleware[];
  /** Timeouts, same-model retries and circuit breakers; a delegate client's own `maxRetries` add to `attempts.retries`. */
  resilience?: ResilienceOptions;
  /** Trained routers (files from `routekit train`, or their contents), usable as `router-<name>-<threshold>`. */
  routers?: EngineOptions['routers'];
  /** RouteLLM's Controller: the strong model `router-<name>-<threshold>` chooses (a catalog id or unambiguous name). */
  strongModel?: string;
  /** RouteLLM's Controller: the weak model `router-<name>-<threshold>` chooses. */
  weakModel?: string;
  /** Routing that learns from the app's feedback (`client.feedback(...)`); off by default. */
  learning?: EngineOptions['learning'];
}

/** The engine behind a routed client: routekit's upstream client over `providers`, or the `models` clients in-process. */
export function createClientEngine(options: ClientEngineOptions): Engine {
  const { providers, models, catalog, strongModel, weakModel, ...rest } = options;
  if ((providers === undefined) === (models === undefined)) {
    throw new ConfigurationError('createRoutedClient needs exactly one of `providers` (call upstreams over HTTP) or `models` (delegate to openai clients).', { key: providers === undefined ? 'models' : 'providers' });
  }
  const features = { ...rest, ...(catalog !== undefined && { catalog }) };
  if (models !== undefined) {
    const pair = pairOf(new ModelCatalog({ ...(catalog && { models: catalog }), routableIds: Object.keys(models) }), strongModel, weakModel);
    return createInProcessEngine<ChatCompletionsClient>({ ...features, ...(pair && { pair }), models, call: callClient }, { adapter: 'createRoutedClient' });
  }
  const providerIds = providers!.map((provider) => provider.id);
  // The app calls its providers itself: there is no gateway whose GET /v1/models it could ask.
  const describeUnroutable = (name: string) => `createRoutedClient: model "${name.length > 80 ? `${name.slice(0, 80)}…` : name}" is not a model of the configured providers (${providerIds.join(', ')}); use a catalog id of theirs such as "openai/gpt-4.1-mini", or a router string such as "auto" or "router-lr-0.3".`;
  const modelCatalog = new ModelCatalog({ ...(catalog && { models: catalog }), providers: providerIds, describeUnroutable });
  const pair = pairOf(modelCatalog, strongModel, weakModel);
  const { routers, learning: learningOption, ...engineOptions } = rest;
  // The router and the engine share one learned-router slot, so a promoted router reaches routing.
  const learning = resolveLearning(learningOption);
  return new Engine({ ...engineOptions, ...(learning && { learning }), inProcess: true, call: createUpstreamCall({ providers: providers! }), router: new Router({ catalog: modelCatalog, latency: new LatencyTracker(), scorers: readRouterFiles(routers ?? []), ...(pair && { pair }), ...(learning && { active: learning.router }) }) });
}

function pairOf(catalog: ModelCatalog, strong: string | undefined, weak: string | undefined): ModelPair | undefined {
  if (strong === undefined && weak === undefined) return undefined;
  if (strong === undefined || weak === undefined) throw new ConfigurationError('strongModel and weakModel go together (RouteLLM\'s strong_model and weak_model).', { key: strong === undefined ? 'strongModel' : 'weakModel' });
  return { strong: resolve(catalog, strong, 'strongModel'), weak: resolve(catalog, weak, 'weakModel') };
}

function resolve(catalog: ModelCatalog, name: string, key: string): string {
  try {
    const model = catalog.resolve(name);
    if (catalog.routable().includes(model)) return model.id;
  } catch {
    // Reported below with the option's name.
  }
  throw new ConfigurationError(`${key} "${name}" is not a routable model: name one of ${catalog.routable().map((model) => model.id).join(', ')}.`, { key });
}

async function callClient(client: ChatCompletionsClient, attempt: Attempt, signal: AbortSignal): Promise<ChatResult> {
  if (isEmbeddingRequest(attempt.request)) return callEmbeddings(client, attempt, signal);
  // The engine's request is OpenAI's wire format already (routekit's own fields were taken out when it was parsed).
  const body = attempt.request as unknown as ChatCompletionCreateParamsNonStreaming;
  try {
    if (attempt.request.stream === true) {
      // Usage always, so the receipt counts real tokens; the engine drops that chunk unless the app asked for it.
      const chunks = await client.chat.completions.create({ ...body, stream: true, stream_options: { ...body.stream_options, include_usage: true } }, { signal });
      return { type: 'stream', stream: classifyDelegateStream(chunks as AsyncIterable<unknown> as AsyncIterable<ChatChunk>, attempt, signal) };
    }
    const response = await client.chat.completions.create({ ...body, stream: false }, { signal });
    return { type: 'response', response: response as unknown as ChatResponse };
  } catch (error) {
    throw toDelegateFailure(error, attempt, signal);
  }
}

/** An embeddings attempt on a delegate: its `embeddings.create` with the input rebuilt from the (possibly redacted) texts. */
async function callEmbeddings(client: ChatCompletionsClient, attempt: Attempt, signal: AbortSignal): Promise<ChatResult> {
  if (client.embeddings === undefined) throw new InvalidRequestError(`The client for ${attempt.model.id} has no embeddings.create.`, { code: 'model_not_embedding', param: 'model' });
  try {
    const response = await client.embeddings.create(upstreamEmbeddingBody(attempt.request) as unknown as EmbeddingCreateParams, { signal });
    return { type: 'response', response: toEngineResponse(response as unknown as Parameters<typeof toEngineResponse>[0]) };
  } catch (error) {
    throw toDelegateFailure(error, attempt, signal);
  }
}
