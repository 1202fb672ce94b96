import { ConfigurationError } from '../errors.js';
import type { ResilienceOptions } from '../resilience/resilience-options.js';
import { closestOption } from './closest-option.js';
import { engineOptionsShape, featureOptionsShape } from './feature-options-schema.js';
import { parseRouterConfig } from './parse-router-config.js';

/**
 * The options of an in-process adapter's factory (`createRoutekit`, `RoutedChatModel`, `RoutedLLM`,
 * `createRoutedClient`), under routerMiddleware's rules: an unknown key is a ConfigurationError
 * naming it and the option it most likely meant; the feature and engine keys are validated by core
 * key by key (seed 002's names included); per-key limits are refused, since in-process calls carry
 * no API key. The adapter's own keys (`ownKeys`) are left for the adapter to check.
 *
 * @example
 * const options = parseAdapterOptions(input, ['models', 'model'], 'RoutedLLM');
 */
export function parseAdapterOptions<Options extends object>(options: Options, ownKeys: readonly string[], factory: string): Options {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigurationError(`${factory} takes one options object.`, { key: '(root)' });
  const known = [...ownKeys, ...Object.keys(featureOptionsShape), ...Object.keys(engineOptionsShape)];
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (ownKeys.includes(key)) continue;
    if (!known.includes(key)) {
      const near = closestOption(key, known);
      throw new ConfigurationError(`${factory}: ${key} is not an option${near === undefined ? '' : `; did you mean ${near}?`}`, { key });
    }
    shared[key] = value;
  }
  return { ...options, ...parseRouterConfig(shared, { apiKeys: false }) };
}

/**
 * The standard fields of a framework's chat model (LangChain's and LlamaIndex's names), which an
 * in-process adapter takes and applies to whichever model is chosen: the sampling ones as the
 * request's parameters, `timeout` and `maxRetries` as the engine's attempt policy.
 */
export interface StandardModelFields {
  /** Sampling temperature, 0 to 2. */
  temperature?: number;
  /** Nucleus sampling, 0 to 1. */
  topP?: number;
  /** The most tokens to generate; spend limits may lower it per call. */
  maxTokens?: number;
  /** -2 to 2; providers without one ignore it. */
  frequencyPenalty?: number;
  /** -2 to 2; providers without one ignore it. */
  presencePenalty?: number;
  /** Milliseconds one model may take to answer before the call moves on (`resilience.attempts.attemptTimeoutMs`). */
  timeout?: number;
  /** Retries of a failed call on the same model before the next candidate (`resilience.attempts.retries`). */
  maxRetries?: number;
}

const standardFieldRanges: Record<keyof StandardModelFields, { min: number; max: number; integer: boolean }> = {
  temperature: { min: 0, max: 2, integer: false },
  topP: { min: 0, max: 1, integer: false },
  maxTokens: { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true },
  frequencyPenalty: { min: -2, max: 2, integer: false },
  presencePenalty: { min: -2, max: 2, integer: false },
  timeout: { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true },
  maxRetries: { min: 0, max: 10, integer: true },
};

/**
 * Checks the standard fields an adapter takes (`fields`) and returns the engine options with
 * `timeout` and `maxRetries` folded into `resilience.attempts`; a field outside its range, or given
 * beside its resilience setting, is a ConfigurationError naming it.
 *
 * @example
 * const engineOptions = applyStandardModelFields(options, engineOptions, ['temperature', 'topP', 'maxTokens', 'timeout', 'maxRetries'], 'RoutedLLM');
 */
export function applyStandardModelFields<Options extends { resilience?: ResilienceOptions | undefined }>(fields: StandardModelFields, engineOptions: Options, names: ReadonlyArray<keyof StandardModelFields>, factory: string): Options {
  for (const name of names) {
    const value: unknown = fields[name];
    const range = standardFieldRanges[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
      const span = range.max === Number.MAX_SAFE_INTEGER ? `at least ${range.min}` : `from ${range.min} to ${range.max}`;
      throw new ConfigurationError(`${factory}: ${name} must be ${range.integer ? 'an integer' : 'a number'} ${span}.`, { key: name });
    }
  }
  const { timeout, maxRetries } = fields;
  if (timeout === undefined && maxRetries === undefined) return engineOptions;
  const attempts = engineOptions.resilience?.attempts;
  if (timeout !== undefined && attempts?.attemptTimeoutMs !== undefined) throw new ConfigurationError(`${factory}: give timeout or resilience.attempts.attemptTimeoutMs, not both (they are the same setting).`, { key: 'timeout' });
  if (maxRetries !== undefined && attempts?.retries !== undefined) throw new ConfigurationError(`${factory}: give maxRetries or resilience.attempts.retries, not both (they are the same setting).`, { key: 'maxRetries' });
  const merged = { ...attempts, ...(timeout !== undefined && { attemptTimeoutMs: timeout }), ...(maxRetries !== undefined && { retries: maxRetries }) };
  return { ...engineOptions, resilience: { ...engineOptions.resilience, attempts: merged } };
}
