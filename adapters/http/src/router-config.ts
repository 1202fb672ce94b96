import { z } from 'zod';
import { ConfigurationError, type Engine, type EngineMiddleware, type EngineOptions, engineOptionsShape, type FeatureOptions, featureOptionsShape, type Logger, type ModelInfo, modelInfoSchema, parseRouterConfig, type ProviderConfig, providerConfigSchema, type ReceiptStore, type ResilienceOptions, type ResponseStore } from '@routekit/core';
import { createApiKeyIndex, type ApiKeyEntry } from './authenticate.js';
import type { HttpBridgeOptions, ReadinessCheck } from './http-bridge.js';
import type { KeyManagement } from './key-management.js';
import { type FailedAuthLockout, isFailedAuthLockout } from '@routekit/operations';

/** Everything `routerMiddleware(config)` accepts: the engine's parts and the HTTP API's. */
export interface RouterConfig extends Omit<HttpBridgeOptions, 'engine'>, FeatureOptions {
  /** A ready engine; it cannot be combined with the engine keys below, which it already has. */
  engine?: Engine;
  /** The providers to call; only their models are routable. Default: from the environment, else demo mode. */
  providers?: ProviderConfig[];
  /** Models to add to the shipped catalog (e.g. a local server's). */
  models?: ModelInfo[];
  /** The model receipts compare costs against, e.g. `openai/gpt-4.1`. */
  defaultModel?: string;
  /** Features on the request path, outermost first. */
  middleware?: EngineMiddleware[];
  /** Where receipts are kept; process memory when omitted. */
  receipts?: ReceiptStore;
  /** How many ranked candidates one request may try before it fails. Default 3. */
  maxAttempts?: number;
  /** Timeouts, deadlines, retries on the same model and circuit breakers (see `ResilienceOptions`). */
  resilience?: ResilienceOptions;
  /** Trained routers (files from `routekit train`, or their contents), usable as `router-<name>-<threshold>`. */
  routers?: EngineOptions['routers'];
  /** Called with every finished receipt (your own exporter; the gateway's log and metrics are built in). */
  onReceipt?: EngineOptions['onReceipt'];
  /** Routing that learns from feedback (`POST /v1/feedback`): `(await openGatewayLearning(database)).learning`, or `true` for memory. */
  learning?: EngineOptions['learning'];
}

const providerSchema = z.strictObject(providerConfigSchema.shape);

const apiKeySchema = z.strictObject({
  id: z.string().min(1),
  hash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be the 64-character SHA-256 hex digest from hashApiKey(key), not the key itself'),
  tenant: z.string().min(1),
  admin: z.boolean().optional(),
});

const gatewayShape = {
  engine: z.custom<Engine>((value) => typeof value === 'object' && value !== null && typeof (value as Engine).run === 'function' && typeof (value as Engine).createExchange === 'function', 'must be an Engine').optional(),
  providers: z.array(providerSchema).optional(),
  models: z.array(modelInfoSchema.strict()).optional(),
  apiKeys: z.array(apiKeySchema).optional(),
  apiKeyLockout: z.custom<FailedAuthLockout>(isFailedAuthLockout, 'must be a FailedAuthLockout (createRedisFailedAuthLockout or openSharedStores(...).lockout)').optional(),
  bodyLimitBytes: z.number().int().positive().optional(),
  prefix: z.string().regex(/^(\/[^/?#\s]+)*$/, 'must be empty or a path like /llm, without a trailing slash').optional(),
  logger: z.union([z.literal(false), z.custom<Logger>((value) => typeof value === 'object' && value !== null && ['error', 'warn', 'info', 'debug'].every((level) => typeof (value as Record<string, unknown>)[level] === 'function'), 'must be a logger with error, warn, info and debug (pino\'s signature), or false')]).optional(),
  health: z.boolean().optional(),
  readiness: z.array(z.custom<ReadinessCheck>((value) => typeof value === 'object' && value !== null && typeof (value as ReadinessCheck).name === 'string' && typeof (value as ReadinessCheck).check === 'function', 'must be { name, check() }')).optional(),
  metrics: z.boolean().optional(),
  dashboard: z.boolean().optional(),
  responses: z.strictObject({ store: z.custom<ResponseStore>((value) => typeof value === 'object' && value !== null && ['put', 'get', 'delete'].every((method) => typeof (value as unknown as Record<string, unknown>)[method] === 'function'), 'must be a ResponseStore (createSqlResponseStore or MemoryResponseStore)').optional(), retentionDays: z.number().int().min(1).max(365).optional() }).optional(),
  keyManagement: z.custom<KeyManagement>((value) => typeof value === 'object' && value !== null && typeof (value as KeyManagement).authenticate === 'function' && typeof (value as KeyManagement).prepare === 'function', 'must come from await createKeyManagement({ database })').optional(),
};

/** The keys a ready `engine` already has; giving both is a contradiction, not a merge. */
const engineKeys = ['providers', 'models', ...Object.keys(engineOptionsShape), ...Object.keys(featureOptionsShape)] as Array<keyof RouterConfig>;

/**
 * Validates `routerMiddleware`'s config strictly, at startup: unknown or misspelled keys, wrong
 * values and contradictions (an empty `apiKeys` or `providers`, per-key limits without `apiKeys`,
 * `engine` beside engine keys) throw `ConfigurationError` naming the key. Seed 002's names and
 * lower-case PII types are accepted (see `parseRouterConfig` in core).
 *
 * @example
 * validateRouterConfig({ cache: { similarityTreshold: 0.9 } }); // throws: cache.similarityTreshold is not an option; did you mean similarityThreshold?
 */
export function validateRouterConfig(config: unknown): RouterConfig {
  // Durable keys (keyManagement) have ids too, so per-key limits are meaningful with either.
  const apiKeys = typeof config === 'object' && config !== null && ((config as { apiKeys?: unknown }).apiKeys !== undefined || (config as { keyManagement?: unknown }).keyManagement !== undefined);
  const parsed = parseRouterConfig(config, { shape: gatewayShape, apiKeys }) as RouterConfig;
  if (parsed.engine !== undefined) {
    const given = engineKeys.find((key) => parsed[key] !== undefined);
    if (given !== undefined) throw new ConfigurationError(`${given} cannot be combined with engine, which is already built with its own; configure ${given} on the engine instead.`, { key: given });
  }
  if (parsed.providers?.length === 0) throw new ConfigurationError('providers is empty, so no model could be called; omit it to read providers from the environment (or run the demo), or add one.', { key: 'providers' });
  parsed.providers?.forEach((provider, index) => {
    if (parsed.providers!.findIndex((other) => other.id === provider.id) !== index) throw new ConfigurationError(`providers[${index}].id is used by an earlier provider; provider ids must be unique.`, { key: `providers[${index}].id` });
  });
  if (parsed.apiKeys !== undefined) createApiKeyIndex(parsed.apiKeys);
  if (parsed.apiKeys !== undefined && parsed.keyManagement !== undefined) {
    throw new ConfigurationError('apiKeys cannot be combined with keyManagement, which authenticates every request against its database; create those keys with `routekit keys create` or POST /v1/admin/keys instead.', { key: 'apiKeys' });
  }
  if (parsed.keyManagement !== undefined && parsed.responses?.retentionDays !== undefined) {
    throw new ConfigurationError('responses.retentionDays cannot be combined with keyManagement, where each tenant\'s content_retention_days preference decides how long its responses are kept.', { key: 'responses.retentionDays' });
  }
  return parsed;
}

// A key added to RouterConfig, ProviderConfig or ApiKeyEntry must be validated here too, or it
// would be refused at startup; this fails the build instead, naming the missing keys.
type Validated<Interface, Schema> = [Exclude<keyof Interface, keyof Schema>] extends [never] ? true : { missingFromSchema: Exclude<keyof Interface, keyof Schema> };
const everyOptionIsValidated: [
  Validated<RouterConfig, ReturnType<typeof parseRouterConfig<typeof gatewayShape>>>,
  Validated<ProviderConfig, z.infer<typeof providerSchema>>,
  Validated<ApiKeyEntry, z.infer<typeof apiKeySchema>>,
] = [true, true, true];
void everyOptionIsValidated;
