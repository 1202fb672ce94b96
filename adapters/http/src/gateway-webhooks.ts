import { type ApiKeyStore, createKeyExpiryWatch, createWebhookNotifier, createWebhookOutbox, type KeyExpiryWatch, parseWebhookEndpoints, type SqlDatabase, type WebhookNotifier, type WebhookOutbox } from '@routekit/operations';
import type { RouterConfig } from './router-config.js';

export interface GatewayWebhooks {
  outbox: WebhookOutbox;
  notifier: WebhookNotifier;
  /** The config with the features' event hooks filled in: rate-limit warnings, spend alerts, breaker changes. */
  hook(config: RouterConfig): RouterConfig;
  /**
   * Sends `key.expiring` for the durable keys (`keyManagement.keys`): checked at once and then hourly,
   * one event per key and notice mark across every instance on the database. Returns the watch.
   */
  watchKeyExpiry(keys: ApiKeyStore, options?: { intervalMs?: number; now?: () => number }): KeyExpiryWatch;
  close(): Promise<void>;
}

/**
 * Signed webhooks for the standalone gateway (`npm start`, `routekit serve`), from a durable outbox on
 * the receipts' database: endpoints from the config file's `webhooks`, or one from
 * `ROUTEKIT_WEBHOOK_URL` and `ROUTEKIT_WEBHOOK_SECRET`. Undefined when none is configured.
 *
 * @example
 * const webhooks = await gatewayWebhooks(database, undefined);
 * const config = webhooks?.hook(base) ?? base;
 */
export async function gatewayWebhooks(database: SqlDatabase, endpoints: unknown, environment: NodeJS.ProcessEnv = process.env): Promise<GatewayWebhooks | undefined> {
  const fromEnvironment = environment.ROUTEKIT_WEBHOOK_URL ? [{ id: 'default', url: environment.ROUTEKIT_WEBHOOK_URL, secret: environment.ROUTEKIT_WEBHOOK_SECRET ?? '' }] : undefined;
  const configured = endpoints ?? fromEnvironment;
  if (configured === undefined) return undefined;
  const outbox = await createWebhookOutbox({ database, endpoints: parseWebhookEndpoints(configured) });
  outbox.start();
  const notifier = createWebhookNotifier({ outbox });
  const watches: KeyExpiryWatch[] = [];
  return {
    outbox,
    notifier,
    hook(config) {
      return {
        ...config,
        ...(config.rateLimits && { rateLimits: { onWarning: notifier.rateLimitWarning, ...config.rateLimits } }),
        ...(config.spendLimits && { spendLimits: { onAlert: notifier.spendAlert, ...config.spendLimits } }),
        resilience: { onBreakerStateChange: notifier.serviceStatus, ...config.resilience },
      };
    },
    watchKeyExpiry(keys, options = {}) {
      const watch = createKeyExpiryWatch({ keys, outbox, ...options });
      watch.start();
      watches.push(watch);
      return watch;
    },
    async close() {
      await Promise.all(watches.map((watch) => watch.close()));
      await outbox.close();
    },
  };
}
