import { registerFeature } from '../pipeline/feature-registry.js';
import { createTracingMiddleware, type TracingOptions } from './tracing-middleware.js';

declare module '../pipeline/feature-registry.js' {
  interface FeatureOptions {
    /** OpenTelemetry spans per request and per attempt (GenAI conventions), through the app's own SDK; on unless `false`. */
    tracing?: TracingOptions | boolean;
  }
}

export const tracingFeature = registerFeature({
  name: 'tracing',
  create: (options) => (options.tracing === false ? undefined : createTracingMiddleware(options.tracing === true || options.tracing === undefined ? {} : options.tracing)),
});
