import { registerFeature } from '../../pipeline/feature-registry.js';
import { createRateLimitMiddleware, type RateLimitOptions } from './rate-limit-middleware.js';

declare module '../../pipeline/feature-registry.js' {
  interface FeatureOptions {
    /** Requests and tokens per minute, requests per day; per key, tenant and globally. */
    rateLimits?: RateLimitOptions;
  }
}

export const rateLimitFeature = registerFeature({
  name: 'rateLimits',
  create: (options, context) => options.rateLimits && createRateLimitMiddleware({ ...(options.store !== undefined && { store: options.store }), ...options.rateLimits }, context),
});
