export { createHttpBridge, type HttpBridge, type HttpBridgeOptions } from './http-bridge.js';
export { hashApiKey, authenticate, type ApiKeyEntry, type Caller } from './authenticate.js';
export { toHttpError, type HttpError } from './error-body.js';
export { readJsonBody } from './read-json-body.js';
export { createEngine, type RouterConfig } from './create-engine.js';
export { providersFromEnvironment, type EnvironmentProviders } from './providers-from-environment.js';
