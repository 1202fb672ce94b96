import { ConfigurationError } from '../errors.js';
import { learnModelQuality, type ModelQualityOptions, type ModelQualityTable } from './model-quality-table.js';
import type { OutcomeStore } from './outcome.js';

export interface ActiveQualityTableOptions extends ModelQualityOptions {
  /** False turns `auto`'s learned per-model quality off (the shipped prediction alone); default true. */
  enabled?: boolean;
  /** Learn from the newest this many scored outcomes. Default 10,000. */
  limit?: number;
  /** Learn from one tenant's outcomes only; default every tenant's (as the `default` router does). */
  tenant?: string;
  /** `refreshSoon` rebuilds at most this often, in ms. Default 30,000. */
  refreshIntervalMs?: number;
  /** Called when a refresh in the background fails (the table in use stays). */
  onError?: (error: unknown) => void;
}

/**
 * The per-model quality table `auto` uses, rebuilt from the outcome store on demand (`refresh`), or
 * in the background at most every `refreshIntervalMs` after feedback arrives (`refreshSoon`), or on a
 * gateway's registry poll. Routing only reads `table`: a Map lookup per model, never a rebuild.
 *
 * @example
 * const quality = new ActiveQualityTable({ priorStrength: 10 });
 * await quality.refresh(outcomes); // auto now blends what the outcomes say
 */
export class ActiveQualityTable {
  /** Whether `auto` uses the table; off, it routes on the shipped prediction alone. */
  enabled: boolean;
  readonly #options: ActiveQualityTableOptions;
  #table: ModelQualityTable | undefined;
  #version = 0;
  // The first background refresh comes one interval after start, as every later one.
  #lastRefresh = Date.now();
  #refreshing: Promise<ModelQualityTable> | undefined;

  constructor(options: ActiveQualityTableOptions = {}) {
    if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0)) throw new ConfigurationError('learning.quality.limit must be a whole number above 0.', { key: 'learning.quality.limit' });
    if (options.refreshIntervalMs !== undefined && !(options.refreshIntervalMs >= 0)) throw new ConfigurationError('learning.quality.refreshIntervalMs must be 0 or more.', { key: 'learning.quality.refreshIntervalMs' });
    // Validates priorStrength and bandEdges now, not at the first refresh.
    learnModelQuality([], { ...options, version: 0 });
    this.#options = options;
    this.enabled = options.enabled ?? true;
  }

  /** The table `auto` blends in, or undefined while none is learned or the table is off. */
  get table(): ModelQualityTable | undefined {
    return this.enabled ? this.#table : undefined;
  }

  /** Puts a table in charge (tests, or a table built elsewhere); undefined goes back to the prior alone. */
  use(table: ModelQualityTable | undefined): void {
    this.#table = table;
  }

  /** Rebuilds the table from the store's newest scored outcomes and puts it in charge. */
  refresh(outcomes: OutcomeStore): Promise<ModelQualityTable> {
    this.#refreshing ??= (async () => {
      try {
        const { limit = 10_000, tenant } = this.#options;
        const scored = await outcomes.scored({ limit, ...(tenant !== undefined && { tenant }) });
        const table = learnModelQuality(scored, { ...this.#options, version: ++this.#version });
        this.#table = table;
        return table;
      } finally {
        this.#lastRefresh = Date.now();
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  /** A background refresh when the last one is older than `refreshIntervalMs`; never throws, never waits. */
  refreshSoon(outcomes: OutcomeStore): void {
    if (!this.enabled || this.#refreshing !== undefined || Date.now() - this.#lastRefresh < (this.#options.refreshIntervalMs ?? 30_000)) return;
    this.refresh(outcomes).catch((error: unknown) => this.#options.onError?.(error));
  }
}
