import { z } from 'zod';
import { type RateLimitRule, rateLimitRuleSchema, type SpendPolicy, spendPolicySchema } from '@routekit/core';
import { createAddressMatcher } from './address-matcher.js';

/** What one key may do beyond authenticating: every field narrows, none widens. */
export interface ApiKeyPolicy {
  /** Models (`provider/model` ids) the key may use; all when omitted. */
  allowedModels?: string[];
  /** Providers the key may use; all when omitted. */
  allowedProviders?: string[];
  /** CIDR ranges (IPv4 and IPv6) the key is accepted from; anywhere when omitted. */
  ipAllowlist?: string[];
  /** Rate limits of this key (requests and tokens per minute, requests per day). */
  rateLimit?: RateLimitRule;
  /** Spend limits of this key (daily, weekly, monthly, per request, in USD). */
  spendLimit?: SpendPolicy;
}

const nameList = z.array(z.string().min(1).max(200)).max(500);

/** A list of IPv4 and IPv6 addresses and CIDR ranges; a bad entry is reported at its index. */
export const cidrListSchema = z.array(z.string()).max(200).superRefine((ranges, context) => {
  try {
    createAddressMatcher(ranges);
  } catch (error) {
    const message = (error as Error).message;
    const index = /^\[(\d+)\]/.exec(message)?.[1];
    context.addIssue({ code: 'custom', message: `must be an IPv4 or IPv6 address or CIDR range (${message.replace(/^\[\d+\] /, '')})`, path: index === undefined ? [] : [Number(index)] });
  }
});

/** The policy's schema: strict, so a misspelled field is refused with its name. */
export const apiKeyPolicySchema = z.strictObject({
  allowedModels: nameList.optional(),
  allowedProviders: nameList.optional(),
  ipAllowlist: cidrListSchema.optional(),
  rateLimit: rateLimitRuleSchema.optional(),
  spendLimit: spendPolicySchema.optional(),
});
