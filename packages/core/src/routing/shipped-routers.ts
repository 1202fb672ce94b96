import { ComplexityScorer } from './complexity-scorer.js';
import { GatedScorer } from './gated-scorer.js';
import { LinearScorer } from './linear-scorer.js';
import multiModelFile from './routers/multi-model.router.json' with { type: 'json' };
import strongWeakFile from './routers/strong-weak.router.json' with { type: 'json' };

let strongWeak: LinearScorer | undefined;
let multiModel: LinearScorer | undefined;

/**
 * The shipped two-model scorer `lr`, trained on RouteLLM's MMLU and GSM8K outcomes (GPT-4-1106 vs
 * Mixtral-8x7B). Decoded on first use, then shared.
 */
export function shippedStrongWeakScorer(): LinearScorer {
  strongWeak ??= new LinearScorer(strongWeakFile);
  return strongWeak;
}

/** The shipped multi-model scorer `routerbench`, trained on RouterBench's ARC, MBPP and Winogrande outcomes of 11 models. */
export function shippedMultiModelScorer(): LinearScorer {
  multiModel ??= new LinearScorer(multiModelFile);
  return multiModel;
}

/** The shipped router files by name, as `routekit evaluate --router` and `calibrate` accept them. */
export const shippedRouterFiles: Record<string, unknown> = { 'strong-weak': strongWeakFile, lr: strongWeakFile, 'multi-model': multiModelFile, routerbench: multiModelFile };

/**
 * The shipped `default` router as the gateway builds it (`lr` on exam-style prompts, `complexity` on
 * open chat): what `auto`, `router-default-…` and RouteLLM's names run until a learned router is promoted.
 */
export function shippedDefaultScorer(): GatedScorer {
  return new GatedScorer({ name: 'default', exam: shippedStrongWeakScorer(), chat: new ComplexityScorer() });
}
