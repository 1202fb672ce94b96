import { z } from 'zod';
import { cacheOptionsSchema, type CacheMiddlewareOptions } from '../cache/cache-middleware.js';
import type { RateLimitOptions } from '../guard/limits/rate-limit-middleware.js';
import type { SpendLimitOptions } from '../guard/limits/spend-limit-middleware.js';
import { rateLimitRuleSchema, spendPolicySchema, unknownPriceSchema } from '../guard/limits/limit-schemas.js';
import { piiOptionsSchema, type PiiOptions } from '../guard/pii/pii-middleware.js';
import type { FeatureOptions } from '../pipeline/feature-registry.js';
import type { EngineOptions } from '../pipeline/engine.js';
import type { LearningOptions } from '../learning/learning-options.js';

/** An object with the given methods: stores, embedders and receipt stores are checked by shape. */
function implementing<Value>(what: string, methods: readonly string[]) {
  return z.custom<Value>(
    (value) => typeof value === 'object' && value !== null && methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    `must be ${what} (an object with ${methods.join(', ')})`,
  );
}

const callback = <Value>() => z.custom<Value>((value) => typeof value === 'function', 'must be a function');
export const counterStoreSchema = implementing<NonNullable<FeatureOptions['store']>>('a counter store', ['reserve', 'adjust', 'get']);
const positiveInteger = z.number().int().positive();

/** Per key, per tenant and global rules, as in `ScopedLimits`, with unknown keys refused. */
function scoped<Rule extends z.ZodType>(rule: Rule) {
  return {
    perKey: rule.optional(),
    keys: z.record(z.string(), rule).optional(),
    perTenant: rule.optional(),
    tenants: z.record(z.string(), rule).optional(),
    global: rule.optional(),
  };
}

export const rateLimitsSchema = z.strictObject({
  ...scoped(rateLimitRuleSchema),
  store: counterStoreSchema.optional(),
  defaultMaxTokens: positiveInteger.optional(),
  prefix: z.string().min(1).optional(),
  now: callback<() => number>().optional(),
  onStoreFailure: z.enum(['open', 'closed']).optional(),
  onWarning: callback<NonNullable<RateLimitOptions['onWarning']>>().optional(),
});

export const spendLimitsSchema = z.strictObject({
  ...scoped(spendPolicySchema),
  store: counterStoreSchema.optional(),
  defaultMaxOutputTokens: positiveInteger.optional(),
  onAlert: callback<NonNullable<SpendLimitOptions['onAlert']>>().optional(),
  webhookTimeoutMs: positiveInteger.optional(),
  prefix: z.string().min(1).optional(),
  now: callback<() => number>().optional(),
  minOutputTokens: positiveInteger.optional(),
  imageTokens: z.number().int().nonnegative().optional(),
  onStoreFailure: z.enum(['open', 'closed']).optional(),
  unknownPrice: unknownPriceSchema.optional(),
});

const piiAction = z.enum(['redact', 'mask', 'block']);

/** The PII module's own schema (so its new options are picked up), refusing unknown keys at every level. */
export const piiSchema = z.strictObject({
  ...piiOptionsSchema.shape,
  customPatterns: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be upper case letters, digits and _ (e.g. EMPLOYEE_ID)'),
        pattern: z.union([z.string().min(1), z.instanceof(RegExp)]),
        action: piiAction.optional(),
      }),
    )
    .optional(),
});

export const cacheSchema = z.strictObject({
  ...cacheOptionsSchema.shape,
  embedder: implementing<NonNullable<CacheMiddlewareOptions['embedder']>>('an embedder', ['embed', 'similarity']).optional(),
  shared: implementing<NonNullable<CacheMiddlewareOptions['shared']>>('a key-value store', ['get', 'set', 'delete']).optional(),
  feed: implementing<NonNullable<CacheMiddlewareOptions['feed']>>('a cache feed (createRedisCacheFeed)', ['publish', 'subscribe']).optional(),
});

/** The built-in features' keys, each validated strictly: spread it into an adapter's own strict object. */
export const featureOptionsShape = {
  rateLimits: rateLimitsSchema.optional(),
  pii: z.union([z.boolean(), piiSchema]).optional(),
  cache: z.union([z.boolean(), cacheSchema]).optional(),
  spendLimits: spendLimitsSchema.optional(),
  store: counterStoreSchema.optional(),
  /** OpenTelemetry spans; the tracing middleware validates its own options. */
  tracing: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
};

/** Engine keys every adapter shares (the gateway's and the in-process engines'). */
export const engineOptionsShape = {
  defaultModel: z.string().min(1).optional(),
  maxAttempts: positiveInteger.max(20).optional(),
  receipts: implementing<NonNullable<EngineOptions['receipts']>>('a receipt store', ['put', 'get']).optional(),
  /** Retries, deadlines and circuit breakers; `createResilience` validates the inside strictly, naming `resilience.*` keys. */
  resilience: z.custom<NonNullable<EngineOptions['resilience']>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'must be an object of resilience options').optional(),
  middleware: z.array(z.custom<NonNullable<EngineOptions['middleware']>[number]>((value) => typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string', 'must be engine middleware (an object with a name)')).optional(),
  onReceipt: z.array(callback<(receipt: unknown) => void>()).optional(),
  /** Trained router files (paths or parsed files); `readRouterFiles` names a bad one as `routers[i]`. */
  routers: z.array(z.union([z.string().min(1), z.record(z.string(), z.unknown())])).optional(),
  /** Routing that learns from outcomes: `true`, or `{ outcomes, router }` (checked here, the parts by their types). */
  learning: z.union([z.boolean(), z.object({ outcomes: implementing<NonNullable<LearningOptions['outcomes']>>('an outcome store', ['prepare', 'record', 'scored']).optional(), router: implementing<NonNullable<LearningOptions['router']>>('an ActiveRouter', ['use']).optional(), quality: z.union([z.literal(false), implementing<Exclude<NonNullable<LearningOptions['quality']>, false>>('an ActiveQualityTable', ['refresh', 'refreshSoon', 'use'])]).optional(), judging: z.object({ share: z.number().min(0).max(1), judge: z.string().min(1), spendLimitUsd: z.number().min(0), tenants: z.union([z.array(z.string()), callback<(tenant: string) => boolean>()]), maxAnswerTokens: positiveInteger.max(32_768).optional(), timeoutMs: positiveInteger.optional(), onJudged: callback<NonNullable<NonNullable<LearningOptions['judging']>['onJudged']>>().optional(), onError: callback<(error: unknown) => void>().optional(), random: callback<() => number>().optional() }).strict().optional() }).strict()]).optional(),
};

// A key added to an options interface but not here would be refused at startup as "not an option";
// this fails the build instead, naming the interface and the keys missing here. (One way only: a
// key validated here ahead of its interface is harmless, and lets features land in any order.)
type Validated<Interface, Schema> = [Exclude<keyof Interface, keyof Schema>] extends [never] ? true : { missingFromSchema: Exclude<keyof Interface, keyof Schema> };
const everyOptionIsValidated: [
  Validated<RateLimitOptions, z.infer<typeof rateLimitsSchema>>,
  Validated<SpendLimitOptions, z.infer<typeof spendLimitsSchema>>,
  Validated<PiiOptions, z.infer<typeof piiSchema>>,
  Validated<CacheMiddlewareOptions, z.infer<typeof cacheSchema>>,
  Validated<FeatureOptions, typeof featureOptionsShape>,
] = [true, true, true, true, true];
void everyOptionIsValidated;
