import type { ChatRequest } from '../chat/chat-request.js';
import { LatencyTracker } from '../catalog/latency-tracker.js';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import { InvalidRequestError } from '../errors.js';
import type { ActiveQualityTable } from '../learning/active-quality-table.js';
import type { ActiveRouter } from '../learning/active-router.js';
import type { ModelQualityTable } from '../learning/model-quality-table.js';
import { categoryOfCell } from '../learning/prompt-cell.js';
import { autoStrategy } from './auto-strategy.js';
import { ComplexityScorer } from './complexity-scorer.js';
import { difficultyQuality } from './difficulty-quality.js';
import { explicitStrategy } from './explicit-strategy.js';
import { GatedScorer } from './gated-scorer.js';
import { LinearScorer } from './linear-scorer.js';
import { parseModelSelector, type ModelSelector } from './model-selector.js';
import { promptQuality } from './prompt-quality.js';
import { scoredText, type QualityScorer } from './quality-scorer.js';
import { profileRequest } from './request-profile.js';
import type { RoutingContext } from './routing-context.js';
import type { RoutingDecision } from './routing-decision.js';
import type { RoutingHints } from './routing-hints.js';
import { isRouteLLMName, routeLLMStrongShare, thresholdAtShare } from './routellm-names.js';
import { shippedMultiModelScorer, shippedStrongWeakScorer } from './shipped-routers.js';
import { thresholdStrategy, type ModelPair } from './threshold-strategy.js';
import { weightedStrategy } from './weighted-strategy.js';

export interface RouterOptions {
  /** The models to route between. */
  catalog: ModelCatalog;
  /** Live latency; a fresh tracker when omitted. */
  latency?: LatencyTracker;
  /** More scorers for `router-<name>-<threshold>` (e.g. `new LinearScorer(trainedFile)`); they replace shipped ones of the same name. */
  scorers?: QualityScorer[];
  /** The catalog pair of each scorer, by scorer name; default the router file's `catalogModels`, else `defaultPair`. */
  pairs?: Record<string, ModelPair>;
  /** The pair every scorer without a configured pair routes between, over the router file's own (in-process adapters: their strongest and cheapest models). */
  pair?: ModelPair;
  /** The pair for scorers with no pair of their own. Default strong `openai/gpt-4.1`, weak `openai/gpt-4.1-nano`. */
  defaultPair?: ModelPair;
  /** The multi-model scorer behind `router@…` quality predictions; default the shipped RouterBench scorer. */
  qualityScorer?: LinearScorer;
  /** A learned router that, once promoted, answers for `default` (and so `auto` and RouteLLM's names); the shipped one until then. */
  active?: ActiveRouter;
  /** `auto`'s per-model quality learned from outcomes, blended with the prediction from the difficulty; the prediction alone when absent or off. */
  quality?: ActiveQualityTable;
}

/** What a decision's reason says of the learned table: its version, its evidence, and the winner's in this cell. */
function learnedNote(table: ModelQualityTable, cell: string, winner: string): string {
  const category = categoryOfCell(cell);
  const inCategory = table.evidence(category, winner)?.count ?? 0;
  const inBand = table.evidence(cell, winner)?.count ?? 0;
  return `predicted quality learned from outcomes (quality table v${table.version}, ${table.outcomes} outcomes, prior strength ${table.priorStrength}; the winner has ${inCategory} scores on ${category} prompts, ${inBand} in this band ${cell})`;
}

export const defaultPair: ModelPair = { strong: 'openai/gpt-4.1', weak: 'openai/gpt-4.1-nano' };

/**
 * Turns a request's model string and hints into ranked candidates: `auto`, an explicit model,
 * `router-<scorer>-<threshold>` (shipped scorers `lr` and `complexity`, plus yours) and `router@…`.
 *
 * @example
 * const router = new Router({ catalog: new ModelCatalog(), pairs: { lr: { strong: 'openai/gpt-5', weak: 'openai/gpt-5-mini' } } });
 * router.decide({ model: 'router-lr-0.5', messages }).candidates[0].model.id;
 */
export class Router {
  readonly catalog: ModelCatalog;
  readonly latency: LatencyTracker;
  readonly #options: RouterOptions;
  readonly #scorers = new Map<string, () => QualityScorer>();

  constructor(options: RouterOptions) {
    this.catalog = options.catalog;
    this.latency = options.latency ?? new LatencyTracker();
    this.#options = options;
    this.#scorers.set('lr', shippedStrongWeakScorer);
    const complexity = new ComplexityScorer();
    this.#scorers.set('complexity', () => complexity);
    let gated: GatedScorer | undefined;
    this.#scorers.set('default', () => options.active?.scorer ?? (gated ??= new GatedScorer({ name: 'default', exam: shippedStrongWeakScorer, chat: complexity })));
    for (const scorer of options.scorers ?? []) this.#scorers.set(scorer.name, () => scorer);
  }

  /** The names usable in `router-<name>-<threshold>`. */
  scorerNames(): string[] {
    return [...this.#scorers.keys()];
  }

  decide(request: ChatRequest, hints: RoutingHints = {}): RoutingDecision {
    const selector = parseModelSelector(request.model);
    const context: RoutingContext = { request, profile: profileRequest(request), hints, catalog: this.catalog, latency: this.latency };
    return this.#strategy(selector, context);
  }

  #strategy(selector: ModelSelector, context: RoutingContext): RoutingDecision {
    switch (selector.kind) {
      case 'auto': {
        const text = scoredText(context.request);
        const difficulty = this.#scorers.get('default')!().strongWinProbability(text);
        const prior = difficultyQuality(difficulty, this.catalog.routable());
        const table = this.#options.quality?.table;
        const cell = table?.cellOf(text, difficulty);
        const decision = autoStrategy(context, cell === undefined ? prior : table!.blend(prior, cell));
        const reason = cell === undefined ? decision.reason : `${decision.reason}; ${learnedNote(table!, cell, decision.candidates[0]!.model.id)}`;
        return { ...decision, reason, strongWinProbability: difficulty, routerVersion: this.#defaultVersion() };
      }
      case 'explicit':
        return explicitStrategy(context, selector.model);
      case 'threshold': {
        if (!this.#scorers.has(selector.scorer) && isRouteLLMName(selector.scorer)) return this.#routeLLM(context, selector.scorer, selector.threshold);
        const scorer = this.#scorers.get(selector.scorer)?.();
        if (scorer === undefined) {
          throw new InvalidRequestError(`Unknown router scorer "${selector.scorer}"; available: ${this.scorerNames().join(', ')}.`, { code: 'router_unavailable', param: 'model' });
        }
        const decision = thresholdStrategy(context, scorer, selector.threshold, this.#pairOf(scorer));
        return selector.scorer === 'default' ? { ...decision, routerVersion: this.#defaultVersion() } : decision;
      }
      case 'weighted': {
        const scorer = this.#options.qualityScorer ?? shippedMultiModelScorer();
        const quality = promptQuality(scorer, scoredText(context.request));
        return weightedStrategy(context, selector, quality, context.request.model);
      }
    }
  }

  /**
   * A RouteLLM model string (`router-mf-0.11593`): its threshold meant a share of strong calls on
   * RouteLLM's calibration set, so it runs as the `default` router at the threshold giving the same
   * share on the shipped calibration prompts; the decision says which router actually ran.
   */
  #routeLLM(context: RoutingContext, name: string, threshold: number): RoutingDecision {
    const share = routeLLMStrongShare(name, threshold);
    // A learned router has thresholds calibrated on its own outcomes; the shipped one on its training prompts.
    const scorer = this.#scorers.get('default')!();
    const thresholds = (scorer instanceof LinearScorer ? scorer : shippedStrongWeakScorer()).file.thresholds;
    const mapped = Math.round(thresholdAtShare(thresholds ?? {}, share) * 1e4) / 1e4;
    const decision = thresholdStrategy(context, scorer, mapped, this.#pairOf(scorer));
    const requested = `router-${name}-${threshold}`;
    return { ...decision, routerVersion: this.#defaultVersion(), reason: `${requested} (RouteLLM ${name}, ${Math.round(share * 100)}% strong calls) ran as ${decision.strategy}: ${decision.reason}` };
  }

  /** Which router answers for `default` now, as receipts name it. */
  #defaultVersion(): string {
    return this.#options.active?.version ?? 'shipped';
  }

  #pairOf(scorer: QualityScorer): ModelPair {
    // A learned router routes between the very models its outcomes scored.
    const learned = this.#options.active?.scorer;
    if (scorer === learned && learned.file.strong !== undefined && learned.file.weak !== undefined) return { strong: learned.file.strong, weak: learned.file.weak };
    const configured = this.#options.pairs?.[scorer.name];
    if (configured !== undefined) return configured;
    if (this.#options.pair !== undefined) return this.#options.pair;
    if (scorer instanceof LinearScorer && scorer.file.strong !== undefined && scorer.file.weak !== undefined) {
      const strong = scorer.file.catalogModels[scorer.file.strong];
      const weak = scorer.file.catalogModels[scorer.file.weak];
      if (strong !== undefined && weak !== undefined) return { strong, weak };
    }
    return this.#options.defaultPair ?? defaultPair;
  }
}
