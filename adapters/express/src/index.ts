export { routerMiddleware } from './router-middleware.js';
export { hashApiKey, type RouterConfig } from '@routekit/http';
