import type { CircuitState, RateLimitWarning, SpendAlert } from '@routekit/core';
import { statusOfCircuit, type KeyExpiringNotice } from './webhook-events.js';
import type { WebhookOutbox } from './webhook-outbox.js';

/**
 * The callbacks the gateway's features take, each turning what it sees into a durable webhook event.
 * They return at once: the outbox write is not awaited on the request path, and a failed write is
 * reported through `onError` (never thrown into the request that caused the event).
 */
export interface WebhookNotifier {
  /** For the spend limiter's `onAlert`. */
  spendAlert(alert: SpendAlert): void;
  /** For the rate limiter's `onWarning`. */
  rateLimitWarning(warning: RateLimitWarning, tenant?: string): void;
  /** For the circuit breaker's `onStateChange`. */
  serviceStatus(endpoint: string, from: CircuitState, to: CircuitState): void;
  /** For the key lifecycle: call it when a key enters its expiry-notice window. */
  keyExpiring(notice: KeyExpiringNotice): Promise<string>;
}

/**
 * @example
 * const notify = createWebhookNotifier({ outbox });
 * createSpendLimitMiddleware({ perKey: policy, onAlert: notify.spendAlert });
 * new CircuitBreaker({ onStateChange: notify.serviceStatus });
 */
export function createWebhookNotifier(options: {
  /** Where events are written. */
  outbox: WebhookOutbox;
  /** Told when an event could not be written (the database is down); default: ignored. */
  onError?: (error: unknown) => void;
}): WebhookNotifier {
  const { outbox } = options;
  const report = (promise: Promise<unknown>) => void promise.catch((error: unknown) => options.onError?.(error));
  return {
    spendAlert(alert) {
      report(outbox.enqueue('spend.alert', alert, { tenant: alert.scope === 'tenant' ? alert.id : null }));
    },
    rateLimitWarning(warning, tenant) {
      report(outbox.enqueue('rate_limit.warning', warning, { tenant: tenant ?? (warning.scope === 'tenant' ? warning.id : null) }));
    },
    serviceStatus(endpoint, from, to) {
      report(outbox.enqueue('service.status', { endpoint, from, to, status: statusOfCircuit(to) }));
    },
    keyExpiring(notice) {
      return outbox.enqueue('key.expiring', notice, { tenant: notice.tenant });
    },
  };
}

/** Days before expiry at which `key.expiring` is due; the key lifecycle sends one notice per mark. */
export const keyExpiryNoticeDays: readonly number[] = [7, 1];

/**
 * The notice a key is due at `now`, or undefined: a key expiring within a notice mark it has not yet
 * been told about (`lastNoticeDays`, the mark of the last notice sent, stored by the key helper).
 */
export function keyExpiryNoticeDue(key: { key_id: string; tenant: string; prefix?: string; expires_at: string | null }, now: number, lastNoticeDays?: number): KeyExpiringNotice | undefined {
  if (key.expires_at === null) return undefined;
  const left = Date.parse(key.expires_at) - now;
  if (!(left > 0)) return undefined;
  const days = Math.floor(left / 86_400_000);
  const mark = [...keyExpiryNoticeDays].sort((left, right) => left - right).find((value) => days < value);
  if (mark === undefined || (lastNoticeDays !== undefined && lastNoticeDays <= mark)) return undefined;
  return { key_id: key.key_id, tenant: key.tenant, ...(key.prefix !== undefined && { prefix: key.prefix }), expires_at: new Date(Date.parse(key.expires_at)).toISOString(), days_left: days };
}

