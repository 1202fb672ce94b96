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
    this.#routable = [...this.#byId.values()].filter((model) => (providers === undefined || providers.has(model.provider)) && (ids === undefined || ids.has(model.id)));
  }

  /** Every model routing may choose from (those of configured providers). */
  routable(): readonly ModelInfo[] {
    return this.#routable;
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
   * unambiguous among routable models, so `gpt-4.1-mini` works as well as `openai/gpt-4.1-mini`.
   */
  resolve(name: string): ModelInfo {
    const exact = this.#byId.get(name);
    if (exact !== undefined) return exact;
    const matches = (this.#byName.get(name) ?? []).filter((model) => this.#routable.includes(model));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      throw new InvalidRequestError(`The model name is ambiguous; use one of: ${matches.map((model) => model.id).join(', ')}.`, { code: 'model_ambiguous', param: 'model' });
    }
    throw new InvalidRequestError(this.#describeUnroutable?.(name) ?? 'The model does not exist in the catalog. GET /v1/models lists the models and routers you can use.', { code: 'model_not_found', param: 'model', status: 404 });
  }

  /** The catalog's own words for a model name it knows but cannot route to, when it was given some (in-process). */
  unroutableMessage(name: string): string | undefined {
    return this.#describeUnroutable?.(name);
  }
}
