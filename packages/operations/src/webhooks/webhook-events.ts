import type { CircuitState, LimitScope, RateLimitWarning, SpendAlert } from '@routekit/core';


/** Sent when an API key is about to expire, so its owner can rotate it in time. */
export interface KeyExpiringNotice {
  /** The key's id (never its secret). */
  key_id: string;
  tenant: string;
  /** The key's visible prefix, e.g. `rk_live_ab12`, when it has one. */
  prefix?: string;
  /** ISO 8601. */
  expires_at: string;
  /** Whole days left, rounded down; 0 on the last day. */
  days_left: number;
}

/** Sent when an endpoint's circuit breaker changes state (opens, goes half-open, closes). */
export interface ServiceStatusChange {
  /** The endpoint, a routekit model id such as `openai/gpt-4.1`. */
  endpoint: string;
  from: CircuitState;
  to: CircuitState;
  /** `operational` when closed, `degraded` when half-open, `outage` when open. */
  status: 'operational' | 'degraded' | 'outage';
}

/** Every event type and its payload (seed 000's webhook list). */
export interface WebhookEventMap {
  'rate_limit.warning': RateLimitWarning;
  'spend.alert': SpendAlert;
  'key.expiring': KeyExpiringNotice;
  'service.status': ServiceStatusChange;
}

export type WebhookEventType = keyof WebhookEventMap;

export const webhookEventTypes: readonly WebhookEventType[] = ['rate_limit.warning', 'spend.alert', 'key.expiring', 'service.status'];

/** The JSON body of one delivery. `id` is stable across retries. */
export interface WebhookEvent<Type extends WebhookEventType = WebhookEventType> {
  id: string;
  object: 'event';
  type: Type;
  /** Unix seconds when the event happened. */
  created: number;
  /** The tenant the event concerns, when it concerns one; endpoints may be scoped to a tenant. */
  tenant: string | null;
  data: WebhookEventMap[Type];
}

/** What a breaker state means to a status page. */
export function statusOfCircuit(state: CircuitState): ServiceStatusChange['status'] {
  return state === 'closed' ? 'operational' : state === 'half_open' ? 'degraded' : 'outage';
}
