import { ConfigurationError } from '@routekit/core';

/** The feature keys every routekit adapter accepts, as `routerMiddleware` names them. */
export const featureKeys = ['pii', 'cache', 'rateLimits', 'spendLimits', 'store', 'defaultModel', 'maxAttempts', 'receipts', 'middleware'] as const;

/** A misspelled option is an error naming it, not a feature silently left off. */
export function checkOptions(options: object, allowed: readonly string[], factory: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new ConfigurationError(`${factory}: unknown option "${key}"; the options are ${allowed.join(', ')}.`, { key });
  }
}
