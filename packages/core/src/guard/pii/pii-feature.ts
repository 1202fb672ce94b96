import { registerFeature } from '../../pipeline/feature-registry.js';
import { createPiiMiddleware, type PiiOptions } from './pii-middleware.js';

declare module '../../pipeline/feature-registry.js' {
  interface FeatureOptions {
    /** PII redaction before the prompt leaves, restored in the answer; `true` for the default policy. */
    pii?: PiiOptions | boolean;
  }
}

export const piiFeature = registerFeature({
  name: 'pii',
  create: (options) => (options.pii ? createPiiMiddleware(options.pii === true ? {} : options.pii) : undefined),
});
