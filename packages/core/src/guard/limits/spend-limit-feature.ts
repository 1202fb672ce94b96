import { registerFeature } from '../../pipeline/feature-registry.js';
import { createSpendLimitMiddleware, type SpendLimitOptions } from './spend-limit-middleware.js';

declare module '../../pipeline/feature-registry.js' {
  interface FeatureOptions {
    /** Spend limits per request, day, week and month; per key, tenant and globally. */
    spendLimits?: SpendLimitOptions;
  }
}

export const spendLimitFeature = registerFeature({
  name: 'spendLimits',
  create: (options, context) => options.spendLimits && createSpendLimitMiddleware({ ...(options.store !== undefined && { store: options.store }), ...options.spendLimits }, context),
});
