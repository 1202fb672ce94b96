import { ConfigurationError } from '../errors.js';
import type { CounterStore } from '../stores/counter-store.js';
import type { EngineMiddleware } from './engine-middleware.js';

/**
 * The built-in features' options. The pipeline names none of the features: each one adds its key
 * here by declaration merging in its own `*-feature.ts` file and registers itself with
 * `registerFeature`, so features depend on the engine and never the other way round.
 */
export interface FeatureOptions {
  /** Where limit and spend counters live unless a feature names its own: share a Redis store between instances. */
  store?: CounterStore;
}

/**
 * The one order of the built-in features, outermost first: tracing (its span covers everything),
 * rate limits (the cheapest refusal), PII before the cache (so cache keys never hold PII), the cache
 * before routing (a hit skips it), and spend around each call (it needs the chosen model's price).
 */
export const featureOrder = ['tracing', 'rateLimits', 'pii', 'cache', 'spendLimits'] as const;

export type FeatureName = (typeof featureOrder)[number];

/** Where the engine runs, for the features' messages. */
export interface FeatureContext {
  /** In an app's own process (an in-process adapter): global limits are the app's, not a gateway's. */
  inProcess?: boolean;
}

/** A built-in feature: builds its middleware from the engine's options, or nothing when it is off. */
export interface FeatureDefinition {
  readonly name: FeatureName;
  create(options: FeatureOptions, context: FeatureContext): EngineMiddleware | undefined;
}

const registered = new Map<FeatureName, FeatureDefinition>();

/** Called once by each feature's own module when it loads. */
export function registerFeature(definition: FeatureDefinition): FeatureDefinition {
  registered.set(definition.name, definition);
  return definition;
}

/** The middleware of every registered feature the options turn on, in `featureOrder`. */
export function featureStack(options: FeatureOptions, context: FeatureContext = {}): EngineMiddleware[] {
  const stack: EngineMiddleware[] = [];
  for (const name of featureOrder) {
    const definition = registered.get(name);
    if (definition === undefined) {
      // A feature the options ask for must never be skipped in silence (a limit that is not enforced).
      const value: unknown = (options as Record<FeatureName, unknown>)[name];
      if (value !== undefined && value !== false) throw new ConfigurationError(`${name} is set, but its feature was not loaded: import the engine from '@routekit/core'`, { key: name });
      continue;
    }
    const feature = definition.create(options, context);
    if (feature !== undefined) stack.push(feature);
  }
  return stack;
}
