export { createRoutekit, type RoutekitOptions, type RoutekitProvider } from './create-routekit.js';
export { routekitMiddleware, type RoutekitMiddlewareOptions } from './routekit-middleware.js';
export { RoutedLanguageModel } from './routed-language-model.js';
export type { RoutekitCallOptions } from './call-options.js';
