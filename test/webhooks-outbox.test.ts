import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../packages/operations/src/storage/sqlite-database.js';
import { CircuitBreaker } from '../packages/core/src/resilience/circuit-breaker.js';
import { createRateLimitMiddleware } from '../packages/core/src/guard/limits/rate-limit-middleware.js';
import { responseWith, testAttempt, testExchange, testModel, testRequest } from '../packages/core/src/guard/limits/limit-test-helpers.js';
import { createSpendLimitMiddleware } from '../packages/core/src/guard/limits/spend-limit-middleware.js';
import type { ChatResult } from '../packages/core/src/pipeline/chat-result.js';
import { createWebhookOutbox } from '../packages/operations/src/webhooks/webhook-outbox.js';
import { createWebhookNotifier, keyExpiryNoticeDue } from '../packages/operations/src/webhooks/webhook-notifier.js';
import { crossedRateLimitWarnings, type RateLimitWarning } from '../packages/core/src/guard/limits/rate-limit-warnings.js';
import { startReceiver } from './webhook-receiver.js';
import { verifyWebhookSignature, webhookIdHeader, webhookSignatureHeader } from '../packages/operations/src/webhooks/webhook-signature.js';
import type { WebhookEvent } from '../packages/operations/src/webhooks/webhook-events.js';
import { closedAfterSuite, databasesUnderTest } from '../packages/operations/src/storage/sql-database-suite.js';

const run = `${process.pid}-${Date.now().toString(36)}`;
const secret = 'whsec_test_0123456789abcdef';
let endpointCounter = 0;
const endpointId = () => `test-${run}-${(endpointCounter += 1)}`;

const spendAlert = { type: 'spend_threshold' as const, scope: 'tenant' as const, id: 'acme', limit: 'daily_usd', limit_usd: 10, spent_usd: 8.2, threshold_percent: 80, window_start: '2026-12-02T00:00:00.000Z' };

const sqliteFile = join(mkdtempSync(join(tmpdir(), 'routekit-webhooks-')), 'routekit.db');
const databases = databasesUnderTest('routekit-webhooks-', sqliteFile);

describe.each(databases)('webhook outbox on %s', (_name, open) => {
  const database = closedAfterSuite(open, (value) => value.execute('DELETE FROM routekit_webhook_outbox WHERE endpoint_id LIKE $1', [`test-${run}-%`]));

  it('delivers a signed JSON event that the receiver verifies, and marks it delivered', async () => {
    const receiver = await startReceiver(secret);
    const id = endpointId();
    const outbox = await createWebhookOutbox({ database: await database(), endpoints: [{ id, url: receiver.url, secret }] });
    const notifier = createWebhookNotifier({ outbox });
    const eventId = await outbox.enqueue('spend.alert', spendAlert, { tenant: 'acme' });
    expect((await outbox.deliveries({ eventId }))[0]).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await outbox.deliverDue()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery!.verified).toBe(true);
    expect(delivery!.headers[webhookIdHeader]).toBe(eventId);
    expect(delivery!.headers['content-type']).toBe('application/json');
    const event = JSON.parse(delivery!.body) as WebhookEvent<'spend.alert'>;
    expect(event).toMatchObject({ id: eventId, object: 'event', type: 'spend.alert', tenant: 'acme', data: spendAlert });
    // The same signature must not verify under another secret, another body, or long after it was made.
    const header = delivery!.headers[webhookSignatureHeader] as string;
    expect(verifyWebhookSignature({ secret: 'another-secret-0123456789', body: delivery!.body, header })).toBe(false);
    expect(verifyWebhookSignature({ secret, body: delivery!.body.replace('8.2', '1.2'), header })).toBe(false);
    expect(verifyWebhookSignature({ secret, body: delivery!.body, header, now: Date.now() + 3_600_000 })).toBe(false);
    expect(verifyWebhookSignature({ secret, body: delivery!.body, header: undefined })).toBe(false);
    expect((await outbox.deliveries({ eventId }))[0]).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });
    // The notifier's callbacks write the other event types through the same outbox.
    notifier.serviceStatus('openai/gpt-4.1', 'closed', 'open');
    await notifier.keyExpiring({ key_id: 'key_1', tenant: 'acme', expires_at: '2026-12-09T00:00:00.000Z', days_left: 6 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await outbox.deliverDue()).toBe(2);
    const types = receiver.received.slice(1).map((entry) => (JSON.parse(entry.body) as WebhookEvent).type).sort();
    expect(types).toEqual(['key.expiring', 'service.status']);
    expect(receiver.received.every((entry) => entry.verified)).toBe(true);
    await outbox.close();
    await receiver.close();
  });

  it('retries with exponential backoff after two failures and delivers on the third attempt', async () => {
    const receiver = await startReceiver(secret, [500, 503, 200]);
    let now = Date.now();
    const outbox = await createWebhookOutbox({ database: await database(), endpoints: [{ id: endpointId(), url: receiver.url, secret }], baseDelayMs: 1_000, now: () => now, random: () => 0.5 });
    const eventId = await outbox.enqueue('service.status', { endpoint: 'openai/gpt-4.1', from: 'closed', to: 'open', status: 'outage' });
    expect(await outbox.deliverDue()).toBe(0);
    let [row] = await outbox.deliveries({ eventId });
    // Equal jitter with random 0.5: three quarters of the doubled delay (1 s, then 2 s).
    expect(row).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: now + 750, last_error: 'HTTP 500' });
    expect(await outbox.deliverDue()).toBe(0);
    expect(receiver.received).toHaveLength(1);
    now += 750;
    expect(await outbox.deliverDue()).toBe(0);
    [row] = await outbox.deliveries({ eventId });
    expect(row).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: now + 1_500, last_error: 'HTTP 503' });
    now += 1_500;
    expect(await outbox.deliverDue()).toBe(1);
    [row] = await outbox.deliveries({ eventId });
    expect(row).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(receiver.received.map((entry) => entry.headers[webhookIdHeader])).toEqual([eventId, eventId, eventId]);
    expect(receiver.received.every((entry) => entry.verified)).toBe(true);
    await outbox.close();
    await receiver.close();
  });

  it('marks a delivery dead after maxAttempts and stops sending it', async () => {
    const receiver = await startReceiver(secret, [500, 500, 500, 500]);
    let now = Date.now();
    const outbox = await createWebhookOutbox({ database: await database(), endpoints: [{ id: endpointId(), url: receiver.url, secret }], maxAttempts: 2, baseDelayMs: 10, now: () => now });
    const eventId = await outbox.enqueue('service.status', { endpoint: 'a/b', from: 'open', to: 'closed', status: 'operational' });
    await outbox.deliverDue();
    now += 60_000;
    await outbox.deliverDue();
    now += 60_000;
    await outbox.deliverDue();
    expect((await outbox.deliveries({ eventId }))[0]).toMatchObject({ status: 'dead', attempts: 2, last_error: 'HTTP 500' });
    expect(receiver.received).toHaveLength(2);
    await outbox.close();
    await receiver.close();
  });

  it('loses nothing across a restart: a new outbox on the same database delivers what was pending', async () => {
    const receiver = await startReceiver(secret, [503, 503]);
    const id = endpointId();
    let now = Date.now();
    const first = await createWebhookOutbox({ database: await database(), endpoints: [{ id, url: receiver.url, secret }], baseDelayMs: 1_000, now: () => now });
    const failedOnce = [await first.enqueue('spend.alert', spendAlert), await first.enqueue('spend.alert', { ...spendAlert, spent_usd: 9 })];
    await first.deliverDue();
    // Written but never sent: the process "dies" before its next round.
    const neverSent = await first.enqueue('key.expiring', { key_id: 'key_2', tenant: 'acme', expires_at: '2026-12-03T00:00:00.000Z', days_left: 0 });
    await first.close();
    now += 5_000;
    const second = await createWebhookOutbox({ database: await database(), endpoints: [{ id, url: receiver.url, secret }], baseDelayMs: 1_000, now: () => now });
    expect(await second.deliverDue()).toBe(3);
    const delivered = receiver.received.slice(2).map((entry) => entry.headers[webhookIdHeader]).sort();
    expect(delivered).toEqual([...failedOnce, neverSent].sort());
    expect((await second.deliveries()).every((row) => row.status === 'delivered')).toBe(true);
    await second.close();
    await receiver.close();
  });

  it('retries a delivery whose sender died mid-send once its lease runs out', async () => {
    const receiver = await startReceiver(secret, ['hang', 200]);
    const id = endpointId();
    let now = Date.now();
    const first = await createWebhookOutbox({ database: await database(), endpoints: [{ id, url: receiver.url, secret }], leaseMs: 30_000, timeoutMs: 20_000, now: () => now });
    const eventId = await first.enqueue('service.status', { endpoint: 'a/b', from: 'closed', to: 'open', status: 'outage' });
    const stuck = first.deliverDue();
    while (receiver.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await createWebhookOutbox({ database: await database(), endpoints: [{ id, url: receiver.url, secret }], now: () => now });
    // Within the lease the claimed row is not sent again...
    expect(await second.deliverDue()).toBe(0);
    now += 30_001;
    // ...after it, the new instance delivers it.
    expect(await second.deliverDue()).toBe(1);
    expect(receiver.received.map((entry) => entry.headers[webhookIdHeader])).toEqual([eventId, eventId]);
    expect((await second.deliveries({ eventId }))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    await receiver.close();
    await stuck;
    await first.close();
    await second.close();
  });

  it('delivers per endpoint in parallel: a hung receiver holds back only its own events, which stay in order', async () => {
    const hanging = await startReceiver(secret, ['hang']);
    const healthy = await startReceiver(secret);
    const [slow, fast] = [endpointId(), endpointId()];
    const outbox = await createWebhookOutbox({ database: await database(), endpoints: [{ id: slow, url: hanging.url, secret }, { id: fast, url: healthy.url, secret }], timeoutMs: 60_000, leaseMs: 120_000, pollIntervalMs: 20 });
    outbox.start();
    const first = await outbox.enqueue('service.status', { endpoint: 'a/b', from: 'closed', to: 'open', status: 'outage' });
    // Bounded waits (10 s), not timing assertions: each waits for something that must happen.
    const until = async (done: () => boolean) => {
      for (let wait = 0; wait < 500 && !done(); wait += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await until(() => hanging.hung.length === 1 && healthy.received.length === 1);
    expect(hanging.hung).toHaveLength(1);
    const later = [await outbox.enqueue('spend.alert', spendAlert), await outbox.enqueue('spend.alert', { ...spendAlert, spent_usd: 9 })];
    await until(() => healthy.received.length === 3);
    expect(healthy.received.map((entry) => entry.headers[webhookIdHeader])).toEqual([first, ...later]);
    // The hung endpoint's lane sends one delivery at a time, in order: the later events wait behind the first.
    expect(hanging.received).toHaveLength(1);
    await hanging.close();
    await outbox.close();
    await healthy.close();
  });
});

describe('webhook event sources', () => {
  it('spend alerts reach a receiver through the outbox, signed', async () => {
    const receiver = await startReceiver(secret);
    const database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-webhooks-spend-')), 'routekit.db') });
    const outbox = await createWebhookOutbox({ database, endpoints: [{ id: 'ops', url: receiver.url, secret, events: ['spend.alert'] }] });
    const notifier = createWebhookNotifier({ outbox });
    const spend = createSpendLimitMiddleware({ perKey: { limits: { daily_usd: 1 }, alerts: { threshold_percent: 50 } }, onAlert: notifier.spendAlert });
    const pricey = testModel({ id: 'test/pricey', inputPricePerMillion: 1000, outputPricePerMillion: 2000 });
    const request = testRequest(72, { max_tokens: 100 });
    // $0.20 a call: the third call passes 50% of $1.
    for (let index = 0; index < 4; index++) {
      await spend.wrapCall!(testAttempt(testExchange({ apiKeyId: 'k1', request }), pricey), async () => responseWith({ prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 }));
    }
    // A breaker change is not among this endpoint's events: it must not be delivered here.
    notifier.serviceStatus('a/b', 'closed', 'open');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await outbox.deliverDue()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.verified).toBe(true);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'spend.alert', data: { type: 'spend_threshold', scope: 'key', id: 'k1', limit: 'daily_usd', limit_usd: 1, threshold_percent: 50 } });
    await outbox.close();
    await database.close();
    await receiver.close();
  });

  it('a breaker reports opening and closing once each', async () => {
    const changes: string[] = [];
    let now = 1_000_000;
    const breaker = new CircuitBreaker({ options: { minimumCalls: 2, failureRateThreshold: 0.5, openMs: 1_000, halfOpenProbes: 1 }, now: () => now, onStateChange: (endpoint, from, to) => changes.push(`${endpoint} ${from}->${to}`) });
    await breaker.record('a/b', { failed: true, slow: false, probe: false });
    await breaker.record('a/b', { failed: true, slow: false, probe: false });
    now += 1_001;
    const admission = await breaker.admit('a/b');
    expect(admission.probe).toBe(true);
    await breaker.record('a/b', { failed: false, slow: false, probe: true });
    expect(changes).toEqual(['a/b closed->open', 'a/b half_open->closed']);
  });

  it('the rate limiter warns once, on the request that passes 80% of a limit', async () => {
    const warnings: RateLimitWarning[] = [];
    const limiter = createRateLimitMiddleware({ perKey: { requestsPerMinute: 5 }, now: () => 1_800_000_000_000, onWarning: (warning) => warnings.push(warning) });
    const answer = async (): Promise<ChatResult> => ({ type: 'response', response: { id: 'x', object: 'chat.completion', created: 0, model: 'm', choices: [] } });
    for (let index = 0; index < 5; index += 1) {
      await limiter.wrapRequest!(testExchange({ apiKeyId: 'key_a' }), answer);
      expect(warnings, `after request ${index + 1}`).toHaveLength(index >= 3 ? 1 : 0);
    }
    expect(warnings[0]).toMatchObject({ scope: 'key', id: 'key_a', limit: 'requests_per_minute', limit_value: 5, used: 4, remaining: 1, threshold_percent: 80 });
    expect(crossedRateLimitWarnings([{ scope: 'global', id: '*', limit: 'tokens_per_minute', limitValue: 1000, amount: 300, total: 900, resetAt: 0 }])).toHaveLength(1);
    expect(crossedRateLimitWarnings([{ scope: 'global', id: '*', limit: 'tokens_per_minute', limitValue: 1000, amount: 50, total: 900, resetAt: 0 }])).toHaveLength(0);
  });

  it('key expiry notices are due once per mark (7 days, then the last day)', () => {
    const now = Date.parse('2026-12-02T00:00:00.000Z');
    const key = { key_id: 'key_1', tenant: 'acme', expires_at: '2026-12-06T12:00:00.000Z' };
    expect(keyExpiryNoticeDue(key, now)).toMatchObject({ key_id: 'key_1', days_left: 4 });
    expect(keyExpiryNoticeDue(key, now, 7)).toBeUndefined();
    expect(keyExpiryNoticeDue(key, Date.parse('2026-12-06T01:00:00.000Z'), 7)).toMatchObject({ days_left: 0 });
    expect(keyExpiryNoticeDue({ ...key, expires_at: '2027-01-30T00:00:00.000Z' }, now)).toBeUndefined();
    expect(keyExpiryNoticeDue({ ...key, expires_at: null }, now)).toBeUndefined();
  });
});

describe.each(databases)('key.expiring from the gateway on %s', (_name, open) => {
  const database = closedAfterSuite(open, async (value) => {
    await value.execute('DELETE FROM routekit_webhook_outbox WHERE endpoint_id LIKE $1', [`test-${run}-%`]);
    await value.execute('DELETE FROM routekit_api_keys WHERE tenant = $1', [`${run}-expiring`]);
  });

  it('is sent once per key and notice mark, however many instances check', async () => {
    const { gatewayWebhooks } = await import('../adapters/http/src/gateway-webhooks.js');
    const { createSqlApiKeyStore } = await import('../packages/operations/src/operations/sql-api-key-store.js');
    const receiver = await startReceiver(secret);
    const endpoints = [{ id: endpointId(), url: receiver.url, secret, events: ['key.expiring'] }];
    let now = Date.parse('2026-12-01T00:00:00.000Z');
    const keys = await createSqlApiKeyStore({ database: await database(), now: () => now });
    const tenant = `${run}-expiring`;
    const soon = await keys.create({ tenant, expiresAt: now + 3.5 * 86_400_000 });
    const revoked = await keys.create({ tenant, expiresAt: now + 2 * 86_400_000 });
    await keys.revoke(revoked.record.id);
    await keys.create({ tenant, expiresAt: now + 30 * 86_400_000 });
    // Two gateway instances on one database, each with its own watch.
    const instances = [await gatewayWebhooks(await database(), endpoints, {}), await gatewayWebhooks(await database(), endpoints, {})];
    const watches = instances.map((instance) => instance!.watchKeyExpiry(keys, { now: () => now, intervalMs: 3_600_000 }));
    const sent = async () => {
      for (const watch of watches) await watch.check();
      for (const instance of instances) await instance!.outbox.deliverDue();
      return receiver.received.map((entry) => JSON.parse(entry.body) as WebhookEvent<'key.expiring'>);
    };
    let events = await sent();
    expect(events.map((event) => [event.type, event.data.key_id, event.data.days_left])).toEqual([['key.expiring', soon.record.id, 3]]);
    expect(events[0]!.tenant).toBe(tenant);
    now += 86_400_000;
    expect(await sent()).toHaveLength(1);
    // Its last day: the second notice, once.
    now += 2.25 * 86_400_000;
    events = await sent();
    expect(events.map((event) => event.data.days_left)).toEqual([3, 0]);
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
    expect(await sent()).toHaveLength(2);
    expect(receiver.received.every((entry) => entry.verified)).toBe(true);
    for (const instance of instances) await instance!.close();
    await receiver.close();
  });
});
