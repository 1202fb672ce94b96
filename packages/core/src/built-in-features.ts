// The built-in features. Each registers itself with the engine's feature registry when its module
// loads; the package entry loads them all, so `new Engine({ cache: true })` from '@routekit/core' has them.
export { tracingFeature } from './observability/tracing-feature.js';
export { rateLimitFeature } from './guard/limits/rate-limit-feature.js';
export { piiFeature } from './guard/pii/pii-feature.js';
export { cacheFeature } from './cache/cache-feature.js';
export { spendLimitFeature } from './guard/limits/spend-limit-feature.js';
