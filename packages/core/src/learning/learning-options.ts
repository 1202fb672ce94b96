import { ActiveQualityTable } from './active-quality-table.js';
import { ActiveRouter } from './active-router.js';
import { MemoryOutcomeStore } from './memory-outcome-store.js';
import type { OutcomeStore } from './outcome.js';
import type { JudgingOptions } from './sampled-judging.js';

/** The engine's `learning` option: routing that learns from this deployment's own outcomes. */
export interface LearningOptions {
  /** Where routed requests' features and their feedback are kept; process memory (10,000 requests) when omitted. */
  outcomes?: OutcomeStore;
  /** Which learned router answers for `default`; the shipped one until a version is put in charge. */
  router?: ActiveRouter;
  /** Sampled judging (opt-in per tenant, with its own spend cap); off when omitted. */
  judging?: JudgingOptions;
  /**
   * `auto`'s per-model quality learned from the outcomes (by prompt category and difficulty band,
   * blended with the shipped prediction), rebuilt in the background after feedback; `false` turns it
   * off. Default `new ActiveQualityTable()`.
   */
  quality?: ActiveQualityTable | false;
}

/** The learning option resolved: every part present. */
export interface Learning {
  outcomes: OutcomeStore;
  router: ActiveRouter;
  judging?: JudgingOptions;
  /** Undefined when turned off. */
  quality?: ActiveQualityTable;
}

export function resolveLearning(option: LearningOptions | boolean | undefined): Learning | undefined {
  if (option === undefined || option === false) return undefined;
  const options = option === true ? {} : option;
  const quality = options.quality === false ? undefined : (options.quality ?? new ActiveQualityTable());
  return { outcomes: options.outcomes ?? new MemoryOutcomeStore(), router: options.router ?? new ActiveRouter(), ...(options.judging && { judging: options.judging }), ...(quality && { quality }) };
}
