import { InvalidRequestError } from '../errors.js';
import { catalogFileSchema } from './catalog-schema.js';
import type { ModelInfo } from './model-info.js';
import shipped from './models.json' with { type: 'json' };

export interface ModelCatalogOptions {
  /** Models to add to (or, by id, replace in) the shipped catalog. */
  models?: ModelInfo[];
  /** Start from these models only instead of the shipped catalog. */
  replaceShipped?: boolean;
  /** Only models of these providers are routable (the configured ones); all when omitted. */
  providers?: string[];
  /** Only these model ids are routable (an in-process adapter's map of models). */
  routableIds?: string[];
  /**
   * What to say of a model name routing cannot use (unknown, or known but not routable), for an
   * in-process adapter: the gateway's own message points to `GET /v1/models`, which an app has not.
   */
  describeUnroutable?: (name: string) => string;
  /**
   * How many distinct unknown names (`provider/any-name`) this catalog passes through before it
   * refuses new ones; default 1,000. Each keeps live-latency and circuit-breaker state, so the
   * bound keeps a client that sends endless made-up names from growing that state without end.
   */
  maxPassThroughModels?: number;
}

/**
 * The models routekit may route to, with prices, context windows and capabilities.
 *
 * @example
 * const catalog = new ModelCatalog({ providers: ['openai', 'anthropic'] });
 * catalog.get('openai/gpt-4.1-mini')?.inputPricePerMillion; // 0.4
 */
export class ModelCatalog {
  readonly #byId = new Map<string, ModelInfo>();
  readonly #byName = new Map<string, ModelInfo[]>();
  readonly #routable: ModelInfo[];
  readonly #describeUnroutable: ((name: string) => string) | undefined;
  readonly #embedding: ModelInfo[];
  /** The configured providers, when known: `provider/any-name` of one of them passes through. */
  readonly #providers: ReadonlySet<string> | undefined;
  /** Pass-through models by id: one object per name, and a bounded number of names. */
  readonly #passThrough = new Map<string, ModelInfo>();
  readonly #maxPassThrough: number;

  constructor(options: ModelCatalogOptions = {}) {
    const base = options.replaceShipped ? [] : (shipped.models as ModelInfo[]);
    const extra = options.models === undefined ? [] : catalogFileSchema.parse({ models: options.models }).models;
    for (const model of [...base, ...extra]) this.#byId.set(model.id, model);
    for (const model of this.#byId.values()) {
      for (const name of [model.upstreamModel, ...(model.aliases ?? [])]) {
        this.#byName.set(name, [...(this.#byName.get(name) ?? []), model]);
      }
    }
    this.#describeUnroutable = options.describeUnroutable;
    const providers = options.providers === undefined ? undefined : new Set(options.providers);
    const ids = options.routableIds === undefined ? undefined : new Set(options.routableIds);
    const configured = [...this.#byId.values()].filter((model) => (providers === undefined || providers.has(model.provider)) && (ids === undefined || ids.has(model.id)));
    this.#routable = configured.filter((model) => model.kind !== 'embedding');
    this.#embedding = configured.filter((model) => model.kind === 'embedding');
    // An in-process adapter's models are its own objects: nothing else can be called there.
    this.#providers = ids === undefined ? providers : undefined;
    this.#maxPassThrough = options.maxPassThroughModels ?? 1000;
  }

  /** Every chat model routing may choose from (those of configured providers); embedding models never are. */
  routable(): readonly ModelInfo[] {
    return this.#routable;
  }

  /** The embedding models of configured providers: named explicitly on `POST /v1/embeddings`, never routed to. */
  embeddingModels(): readonly ModelInfo[] {
    return this.#embedding;
  }

  /** True when this gateway can call the model: a routable or embedding model, or a pass-through model of a configured provider. */
  serves(model: ModelInfo): boolean {
    if (model.priceUnknown === true) return this.#providers?.has(model.provider) === true;
    return this.#routable.includes(model) || this.#embedding.includes(model);
  }

  /** Every model the catalog knows, routable or not. */
  all(): ModelInfo[] {
    return [...this.#byId.values()];
  }

  get(id: string): ModelInfo | undefined {
    return this.#byId.get(id);
  }

  /**
   * Finds a model by `provider/model` id, or by its bare provider name or alias when that is
   * unambiguous among the models this gateway serves, so `gpt-4.1-mini` works as well as
   * `openai/gpt-4.1-mini`. A `provider/name` the catalog does not know, of a configured provider,
   * passes through as a model with `priceUnknown` (never chosen by routing); an unknown provider is
   * a 404 that names it.
   */
  resolve(name: string): ModelInfo {
    const exact = this.#byId.get(name);
    if (exact !== undefined) return exact;
    const matches = (this.#byName.get(name) ?? []).filter((model) => this.serves(model));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new InvalidRequestError(`The model name is ambiguous; use one of: ${matches.map((model) => model.id).join(', ')}.`, { code: 'model_ambiguous', param: 'model' });
    }
    const slash = name.indexOf('/');
    if (slash > 0 && this.#providers !== undefined) {
      const provider = name.slice(0, slash);
      if (this.#providers.has(provider)) return this.#passThroughModel(provider, name.slice(slash + 1));
      // Bounded and only identifier characters: the name is the client's text, echoed in the message.
      throw new InvalidRequestError(this.#describeUnroutable?.(name) ?? `No provider "${provider.slice(0, 64).replace(/[^\w.-]/g, '?')}" is configured on this gateway (configured: ${[...this.#providers].join(', ') || 'none'}). GET /v1/models lists the models you can use.`, { code: 'provider_not_found', param: 'model', status: 404 });
    }
    throw new InvalidRequestError(this.#describeUnroutable?.(name) ?? 'The model does not exist in the catalog. GET /v1/models lists the models and routers you can use.', { code: 'model_not_found', param: 'model', status: 404 });
  }

  /** The catalog's own words for a model name it knows but cannot route to, when it was given some (in-process). */
  unroutableMessage(name: string): string | undefined {
    return this.#describeUnroutable?.(name);
  }

  #passThroughModel(provider: string, upstreamModel: string): ModelInfo {
    const id = `${provider}/${upstreamModel}`;
    const known = this.#passThrough.get(id);
    if (known !== undefined) return known;
    const model = passThroughModel(provider, upstreamModel);
    if (this.#passThrough.size >= this.#maxPassThrough) {
      throw new InvalidRequestError(`This gateway has passed ${this.#maxPassThrough} distinct unknown model names through since it started and takes no more; add this model to the config's models (with its price) to use it.`, { code: 'pass_through_limit', param: 'model' });
    }
    this.#passThrough.set(id, model);
    return model;
  }
}

// Provider model names are short identifiers (`gpt-5.1`, `accounts/fireworks/models/x`, `llama3.1:8b`).
const passThroughName = /^[A-Za-z0-9][\w.:@+/-]{0,127}$/;

/**
 * A model the catalog does not know, of a configured provider: sent to the provider under its own
 * name. Its prices are unknown (zero placeholders, `priceUnknown`), its limits the provider's, so
 * routing constraints and output caps are left to the provider.
 */
function passThroughModel(provider: string, upstreamModel: string): ModelInfo {
  if (!passThroughName.test(upstreamModel)) {
    throw new InvalidRequestError('A model name passed through to a provider must be 1 to 128 letters, digits and . _ : @ + / -, starting with a letter or digit.', { code: 'invalid_model', param: 'model' });
  }
  return {
    id: `${provider}/${upstreamModel}`,
    provider,
    upstreamModel,
    inputPricePerMillion: 0,
    outputPricePerMillion: 0,
    contextWindow: Number.MAX_SAFE_INTEGER,
    maxOutputTokens: Number.MAX_SAFE_INTEGER,
    capabilities: { tools: true, vision: true, jsonMode: true },
    quality: 0,
    typicalTimeToFirstTokenMs: 1000,
    typicalTokensPerSecond: 50,
    priceUnknown: true,
  };
}
