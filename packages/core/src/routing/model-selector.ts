import { InvalidRequestError } from '../errors.js';

/** Weights of the `router@…` objective: quality minus weighted cost and latencies. */
export interface ObjectiveWeights {
  quality: number;
  cost: number;
  timeToFirstToken: number;
  interToken: number;
}

/** What a model string asks for, parsed in this one place. */
export type ModelSelector =
  | { kind: 'auto' }
  | { kind: 'threshold'; scorer: string; threshold: number }
  | { kind: 'weighted'; weights: ObjectiveWeights; models?: string[]; providers?: string[] }
  | { kind: 'explicit'; model: string };

const thresholdPattern = /^router-([a-z0-9][a-z0-9_-]*?)-(\d*\.?\d+)$/;

/**
 * Parses a model string: `auto`, `router-<scorer>-<threshold>`,
 * `router@q:<w>|c:<w>|t:<w>|i:<w>|models:a,b|providers:x,y`, or a model (`provider/model`).
 *
 * @example
 * parseModelSelector('router-lr-0.35'); // { kind: 'threshold', scorer: 'lr', threshold: 0.35 }
 */
export function parseModelSelector(model: string): ModelSelector {
  if (model === 'auto' || model === 'router/auto') return { kind: 'auto' };
  if (model.startsWith('router@')) return parseWeighted(model.slice('router@'.length));
  if (model.startsWith('router-')) {
    const match = thresholdPattern.exec(model);
    const threshold = match === null ? Number.NaN : Number(match[2]);
    if (match === null || !(threshold >= 0 && threshold <= 1)) {
      throw invalid('A threshold router is written router-<scorer>-<threshold>, with a threshold between 0 and 1, e.g. router-lr-0.35.');
    }
    return { kind: 'threshold', scorer: match[1]!, threshold };
  }
  return { kind: 'explicit', model };
}

const weightKeys: Record<string, keyof ObjectiveWeights> = { q: 'quality', c: 'cost', t: 'timeToFirstToken', i: 'interToken' };

function parseWeighted(spec: string): ModelSelector {
  const weights: ObjectiveWeights = { quality: 1, cost: 0, timeToFirstToken: 0, interToken: 0 };
  let models: string[] | undefined;
  let providers: string[] | undefined;
  for (const field of spec.split('|')) {
    const separator = field.indexOf(':');
    const key = field.slice(0, separator);
    const value = field.slice(separator + 1);
    if (separator < 1 || value === '') throw invalid('Each router@ field is key:value, e.g. router@q:1|c:0.5|models:openai/gpt-4.1,openai/gpt-4.1-mini.');
    if (key === 'models' || key === 'providers') {
      const list = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
      if (key === 'models') models = list;
      else providers = list;
      continue;
    }
    // User text: only the table's own keys, not what Object.prototype answers ("constructor").
    const weightKey = Object.hasOwn(weightKeys, key) ? weightKeys[key] : undefined;
    const weight = Number(value);
    if (weightKey === undefined) throw invalid(`Unknown router@ field "${key.slice(0, 20)}"; use q, c, t, i, models or providers.`);
    if (!Number.isFinite(weight) || weight < 0) throw invalid(`The router@ weight ${key} must be a number >= 0.`);
    weights[weightKey] = weight;
  }
  return { kind: 'weighted', weights, ...(models && { models }), ...(providers && { providers }) };
}

function invalid(message: string): InvalidRequestError {
  return new InvalidRequestError(message, { code: 'invalid_model', param: 'model' });
}
