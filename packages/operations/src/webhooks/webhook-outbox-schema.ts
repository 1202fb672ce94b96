import { z } from 'zod';
import { ConfigurationError } from '@routekit/core';
import type { Migration } from '../storage/migrate.js';
import { webhookEventTypes } from './webhook-events.js';

/**
 * The outbox: one row per (event, endpoint), written before any send, so a crash or restart loses
 * nothing. `next_attempt_at` doubles as a lease: an instance claims a row by moving it forward with
 * a compare-and-set (status `sending`), so instances sharing PostgreSQL do not send the same attempt
 * twice, and a row claimed by an instance that died is retried once its lease runs out.
 */
export const webhookOutboxMigrations: readonly Migration[] = [
  {
    id: '0001-webhook-outbox',
    sqlite: `CREATE TABLE IF NOT EXISTS routekit_webhook_outbox (
      id TEXT PRIMARY KEY, event_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, event_type TEXT NOT NULL, tenant TEXT, body TEXT NOT NULL,
      status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, last_error TEXT, created_at INTEGER NOT NULL, delivered_at INTEGER);
      CREATE INDEX IF NOT EXISTS routekit_webhook_outbox_due ON routekit_webhook_outbox (status, next_attempt_at);`,
    postgres: `CREATE TABLE IF NOT EXISTS routekit_webhook_outbox (
      id TEXT PRIMARY KEY, event_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, event_type TEXT NOT NULL, tenant TEXT, body TEXT NOT NULL,
      status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL, last_error TEXT, created_at BIGINT NOT NULL, delivered_at BIGINT);
      CREATE INDEX IF NOT EXISTS routekit_webhook_outbox_due ON routekit_webhook_outbox (status, next_attempt_at);`,
  },
];

/** One receiver of webhook events. */
export interface WebhookEndpoint {
  /** A stable name for the endpoint; outbox rows refer to it, so keep it across restarts. */
  id: string;
  /** Where events are POSTed (http or https). */
  url: string;
  /** The HMAC-SHA256 signing secret the receiver verifies with (at least 16 characters). */
  secret: string;
  /** The event types this endpoint receives; all of them when omitted. */
  events?: string[];
  /** Only events about this tenant (and events about no tenant, such as service status); all when omitted. */
  tenant?: string;
}

const endpointSchema = z.strictObject({
  id: z.string().min(1).max(200),
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(16),
  events: z.array(z.enum(webhookEventTypes as [string, ...string[]])).min(1).optional(),
  tenant: z.string().min(1).optional(),
});

/** Validates endpoints; the error names the field, e.g. `webhooks.endpoints[0].url`. */
export function parseWebhookEndpoints(value: unknown): WebhookEndpoint[] {
  const parsed = z.array(endpointSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = ['webhooks.endpoints', ...issue.path].map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join('');
    throw new ConfigurationError(`Invalid webhook option ${key}: ${issue.message}`, { key });
  }
  const seen = new Set<string>();
  for (const endpoint of parsed.data) {
    if (seen.has(endpoint.id)) throw new ConfigurationError(`Webhook endpoint ${endpoint.id} is configured twice.`, { key: 'webhooks.endpoints' });
    seen.add(endpoint.id);
  }
  return parsed.data;
}
