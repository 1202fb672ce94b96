import { registerFeature } from '../pipeline/feature-registry.js';
import { createCacheMiddleware, type CacheMiddlewareOptions } from './cache-middleware.js';

declare module '../pipeline/feature-registry.js' {
  interface FeatureOptions {
    /** Exact and semantic answer cache; `true` for the defaults. */
    cache?: CacheMiddlewareOptions | boolean;
  }
}

export const cacheFeature = registerFeature({
  name: 'cache',
  create: (options) => (options.cache ? createCacheMiddleware(options.cache === true ? {} : options.cache) : undefined),
});
