import { ConfigurationError } from '../errors.js';
import type { Engine } from '../pipeline/engine.js';
import { parseModelSelector } from './model-selector.js';

/**
 * Checks, when an in-process adapter is built, that a model string can route on its engine: an
 * explicit id must be one of the adapter's models, a threshold router's scorer must exist. So a typo
 * is a ConfigurationError naming the adapter, the option and the string at construction, not a
 * failure at the first call.
 *
 * @example
 * checkModelString(engine, 'openai/gpt-4.1-mini', { adapter: 'RoutedLLM', option: 'model' });
 */
export function checkModelString(engine: Engine, model: string, naming: { adapter: string; option: string }): void {
  const { adapter, option } = naming;
  if (typeof model !== 'string') throw new ConfigurationError(`${adapter}: ${option} must be a model string such as "auto".`, { key: option });
  try {
    const selector = parseModelSelector(model);
    if (selector.kind === 'explicit') {
      const resolved = engine.catalog.resolve(model);
      if (!engine.catalog.routable().includes(resolved)) throw new ConfigurationError(engine.catalog.unroutableMessage(model) ?? `model "${model}" cannot be routed.`, { key: option });
    }
    if (selector.kind === 'threshold' && !engine.router.scorerNames().includes(selector.scorer)) {
      throw new ConfigurationError(`${adapter}: ${option} "${model}" names an unknown router scorer "${selector.scorer}"; available: ${engine.router.scorerNames().join(', ')}.`, { key: option });
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    const message = (error as Error).message;
    // The catalog's in-process message already names the adapter; the parser's does not.
    throw new ConfigurationError(message.startsWith(`${adapter}:`) ? message : `${adapter}: ${option} "${model}": ${message}`, { key: option, cause: error });
  }
}
