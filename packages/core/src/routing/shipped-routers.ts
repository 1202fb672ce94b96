import { readFileSync } from 'node:fs';
import { ComplexityScorer } from './complexity-scorer.js';
import { GatedScorer } from './gated-scorer.js';
import { LinearScorer } from './linear-scorer.js';

// The shipped router files (0.9 MB of JSON) are read from disk when a scorer first needs them, not
// imported: `auto` on open chat uses the complexity scorer only, and `routerbench` is rarely asked
// for, so a gateway that never needs them never holds them (about 2.5 MB of heap once decoded). tsc
// copies them to dist/ beside this module (the package's tsconfig includes src/**/*.json).
type ShippedRouterName = 'strong-weak' | 'multi-model';

/** A shipped router file as parsed JSON, read afresh (callers keep what they need). */
function readShippedRouterFile(name: ShippedRouterName): unknown {
  return JSON.parse(readFileSync(new URL(`./routers/${name}.router.json`, import.meta.url), 'utf8'));
}

let strongWeak: LinearScorer | undefined;
let multiModel: LinearScorer | undefined;

/**
 * The shipped two-model scorer `lr`, trained on RouteLLM's MMLU and GSM8K outcomes (GPT-4-1106 vs
 * Mixtral-8x7B). Read and decoded on first use (a few ms, once), then shared.
 */
export function shippedStrongWeakScorer(): LinearScorer {
  strongWeak ??= new LinearScorer(readShippedRouterFile('strong-weak'));
  return strongWeak;
}

/** The shipped multi-model scorer `routerbench`, trained on RouterBench's ARC, MBPP and Winogrande outcomes of 11 models. */
export function shippedMultiModelScorer(): LinearScorer {
  multiModel ??= new LinearScorer(readShippedRouterFile('multi-model'));
  return multiModel;
}

const fileNames: Record<string, ShippedRouterName> = { 'strong-weak': 'strong-weak', lr: 'strong-weak', 'multi-model': 'multi-model', routerbench: 'multi-model' };

/**
 * The shipped router files by name, as `routekit evaluate --router` and `calibrate` accept them.
 * Each property reads its file when read (the CLI's occasional use), so importing routekit holds none.
 */
export const shippedRouterFiles: Record<string, unknown> = Object.defineProperties(
  {},
  Object.fromEntries(Object.entries(fileNames).map(([alias, name]) => [alias, { enumerable: true, get: () => readShippedRouterFile(name) }])),
);

/**
 * The shipped `default` router as the gateway builds it (`lr` on exam-style prompts, `complexity` on
 * open chat): what `auto`, `router-default-…` and RouteLLM's names run until a learned router is promoted.
 * `lr` is decoded on the first exam-style prompt, not before.
 */
export function shippedDefaultScorer(): GatedScorer {
  return new GatedScorer({ name: 'default', exam: shippedStrongWeakScorer, chat: new ComplexityScorer() });
}
