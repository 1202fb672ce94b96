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
