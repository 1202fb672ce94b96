import { z } from 'zod';

export const rateLimitRuleSchema = z.strictObject({
  requestsPerMinute: z.number().int().nonnegative().optional(),
  tokensPerMinute: z.number().int().nonnegative().optional(),
  requestsPerDay: z.number().int().nonnegative().optional(),
});

export const spendPolicySchema = z.strictObject({
  limits: z.strictObject({
    daily_usd: z.number().nonnegative().optional(),
    weekly_usd: z.number().nonnegative().optional(),
    monthly_usd: z.number().nonnegative().optional(),
    per_request_usd: z.number().nonnegative().optional(),
  }),
  alerts: z.strictObject({ threshold_percent: z.number().gt(0).max(100), webhook_url: z.url().optional() }).optional(),
});

/** Per key, per tenant and global rules, as in `ScopedLimits`. */
export function scopedSchema<Rule extends z.ZodType>(rule: Rule) {
  return z.object({
    perKey: rule.optional(),
    keys: z.record(z.string(), rule).optional(),
    perTenant: rule.optional(),
    tenants: z.record(z.string(), rule).optional(),
    global: rule.optional(),
  });
}

/** What to do when the shared store does not answer: refuse (`closed`, 503) or let requests through uncounted (`open`). */
export const storeFailureSchema = z.enum(['open', 'closed']);

/** The rate limiter's options besides its rules, store and clock: spread into a strict config schema. */
export const rateLimitOptionFields = {
  defaultMaxTokens: z.number().int().positive().optional(),
  prefix: z.string().min(1).optional(),
  onStoreFailure: storeFailureSchema.optional(),
};

/** How spend limits treat a model without a known price: refuse it, or count each call at a fixed amount. */
export const unknownPriceSchema = z.union([z.literal('refuse'), z.strictObject({ maxCostPerRequestUsd: z.number().positive() })]);

/** The spend limiter's options besides its rules, store, callbacks and clock: spread into a strict config schema. */
export const spendLimitOptionFields = {
  unknownPrice: unknownPriceSchema.optional(),
  defaultMaxOutputTokens: z.number().int().positive().optional(),
  minOutputTokens: z.number().int().positive().optional(),
  imageTokens: z.number().int().nonnegative().optional(),
  onStoreFailure: storeFailureSchema.optional(),
  webhookTimeoutMs: z.number().int().positive().optional(),
  prefix: z.string().min(1).optional(),
};
