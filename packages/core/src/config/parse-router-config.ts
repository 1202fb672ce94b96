import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import type { FeatureOptions } from '../pipeline/feature-registry.js';
import { engineOptionsShape, featureOptionsShape } from './feature-options-schema.js';
import { parseConfig } from './parse-config.js';
import { canonicalPiiTypes } from './pii-type-names.js';
import { applySeedAliases } from './seed-aliases.js';

export interface ParseRouterConfigOptions<Shape extends z.ZodRawShape> {
  /** The adapter's own keys beside the features and engine keys, e.g. the gateway's `apiKeys`. */
  shape?: Shape;
  /** Where the config sits, for key paths in errors; default none (`cache.ttlSeconds`). */
  path?: string;
  /**
   * Whether requests can carry an API key id. When false, `perKey` and `keys` limits could never
   * apply, so they are an error rather than a silent no-op. Leave undefined when unknown.
   */
  apiKeys?: boolean;
}

type RouterShape<Shape extends z.ZodRawShape> = typeof featureOptionsShape & typeof engineOptionsShape & Shape;

/**
 * Validates an adapter's whole config strictly: the built-in features, the engine keys
 * (`defaultModel`, `maxAttempts`, `receipts`, `middleware`) and the adapter's own `shape`. Seed
 * 002's names are accepted where they map one to one (`similarity_threshold`, `ttl_seconds`,
 * `pii_detection_enabled`, ...), PII type names in any case. Throws `ConfigurationError` naming the
 * key, e.g. "cache.similarityTreshold is not an option; did you mean similarityThreshold?".
 *
 * @example
 * const config = parseRouterConfig(input, { shape: { apiKeys: z.array(apiKeySchema).optional() }, apiKeys: input.apiKeys !== undefined });
 */
export function parseRouterConfig<Shape extends z.ZodRawShape = Record<never, never>>(value: unknown, options: ParseRouterConfigOptions<Shape> = {}): z.output<z.ZodObject<RouterShape<Shape>, z.core.$strict>> {
  const path = options.path ?? '';
  const schema = z.strictObject({ ...featureOptionsShape, ...engineOptionsShape, ...(options.shape ?? ({} as Shape)) });
  const parsed = parseConfig(schema, normaliseFeatureConfig(value, path), { path });
  if (options.apiKeys === false) refuseKeyedLimits(parsed as FeatureOptions, path);
  return parsed;
}

/** Validates only the built-in features' keys, as `parseRouterConfig` does. */
export function parseFeatureOptions(value: unknown, options: Omit<ParseRouterConfigOptions<Record<never, never>>, 'shape'> = {}): FeatureOptions {
  const path = options.path ?? '';
  const parsed = parseConfig(z.strictObject(featureOptionsShape), normaliseFeatureConfig(value, path), { path }) as FeatureOptions;
  if (options.apiKeys === false) refuseKeyedLimits(parsed, path);
  return parsed;
}

/** Seed names to routekit's, `pii.enabled` to `pii: boolean`, PII types to their canonical names. */
function normaliseFeatureConfig(value: unknown, path: string): unknown {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const key = path === '' ? '(root)' : path;
    throw new ConfigurationError(`${key} must be an object of options.`, { key });
  }
  const config = applySeedAliases(value as Record<string, unknown>, path);
  const section = path === '' ? 'pii' : `${path}.pii`;
  if (typeof config.pii === 'object' && config.pii !== null && !Array.isArray(config.pii)) {
    const { enabled, ...pii } = config.pii as Record<string, unknown>;
    if (enabled !== undefined && typeof enabled !== 'boolean') throw new ConfigurationError(`${section}.enabled must be boolean.`, { key: `${section}.enabled` });
    config.pii = enabled === false ? false : Object.keys(pii).length === 0 ? true : canonicalPiiTypes(pii, section);
  }
  return config;
}

function refuseKeyedLimits(config: FeatureOptions, path: string): void {
  for (const [feature, limits] of [['rateLimits', config.rateLimits], ['spendLimits', config.spendLimits]] as const) {
    for (const field of ['perKey', 'keys'] as const) {
      if (limits?.[field] === undefined) continue;
      const key = `${path === '' ? '' : `${path}.`}${feature}.${field}`;
      throw new ConfigurationError(`${key} limits each API key, but apiKeys is not set, so no request carries a key and the limit would never apply; set apiKeys, or use perTenant or global.`, { key });
    }
  }
}
