import { describe, expect, it } from 'vitest';
import { openPostgresDatabase } from '../packages/operations/src/storage/postgres-database.js';
import { closedAfterSuite, testPostgresConnection } from '../packages/operations/src/storage/sql-database-suite.js';
import { createWebhookOutbox, type WebhookOutbox } from '../packages/operations/src/webhooks/webhook-outbox.js';
import { webhookIdHeader } from '../packages/operations/src/webhooks/webhook-signature.js';
import type { WebhookEvent } from '../packages/operations/src/webhooks/webhook-events.js';
import { startReceiver, type Received } from './webhook-receiver.js';

const run = `${process.pid}-${Date.now().toString(36)}`;
const secret = 'whsec_test_0123456789abcdef';
let endpointCounter = 0;
const endpointId = () => `replicas-${run}-${(endpointCounter += 1)}`;
const outage = { endpoint: 'openai/gpt-4.1', from: 'closed', to: 'open', status: 'outage' } as const;

/** Bounded wait (20 s) for something that must happen; not a timing assertion. */
async function until(done: () => boolean): Promise<void> {
  for (let wait = 0; wait < 1_000 && !done(); wait += 1) await new Promise((resolve) => setTimeout(resolve, 20));
}

const eventIds = (received: Received[]) => received.map((entry) => (JSON.parse(entry.body) as WebhookEvent).id);
const idHeaders = (received: Received[]) => received.map((entry) => entry.headers[webhookIdHeader]);

// Three outboxes, each with its own connection pool to one PostgreSQL database: three replicas.
describe('webhook delivery across three replicas on PostgreSQL', () => {
  const database = closedAfterSuite(
    () => openPostgresDatabase({ connection: testPostgresConnection }),
    (value) => value.execute('DELETE FROM routekit_webhook_outbox WHERE endpoint_id LIKE $1', [`replicas-${run}-%`]),
  );

  it('delivers every event exactly once, each endpoint in the order written, with three delivery loops running', async () => {
    // Receivers hold each answer a little, so the three replicas' sends overlap.
    const receivers = [await startReceiver(secret, [], { holdMs: 3 }), await startReceiver(secret, [], { holdMs: 3 })];
    const endpoints = receivers.map((receiver) => ({ id: endpointId(), url: receiver.url, secret }));
    // One clock for the three replicas, strictly increasing: clocks in step, every write at its own millisecond.
    let last = 0;
    const now = () => (last = Math.max(Date.now(), last + 1));
    const replicas: WebhookOutbox[] = [];
    for (let index = 0; index < 3; index += 1) replicas.push(await createWebhookOutbox({ database: await database(), endpoints, pollIntervalMs: 10, now }));
    for (const replica of replicas) replica.start();
    const written: string[] = [];
    for (let index = 0; index < 30; index += 1) {
      const replica = replicas[index % 3]!;
      if (index % 5 === 0) {
        // The same event written by two replicas at once, as each replica's key-expiry watch does.
        const eventId = `evt_replicas_${run}_${index}`.replaceAll('-', '_');
        const data = { key_id: `key_${index}`, tenant: 'acme', expires_at: '2026-12-09T00:00:00.000Z', days_left: 6 };
        const both = await Promise.all([replica.enqueue('key.expiring', data, { eventId }), replicas[(index + 1) % 3]!.enqueue('key.expiring', data, { eventId })]);
        expect(both).toEqual([eventId, eventId]);
        written.push(eventId);
      } else {
        written.push(await replica.enqueue('service.status', { ...outage, endpoint: `openai/model-${index}` }));
      }
    }
    // Until every row is delivered (a delivered row is never claimed again); closing waits for any send in flight.
    let rows = await replicas[0]!.deliveries({ limit: 1_000 });
    for (let wait = 0; wait < 1_000 && !(rows.length === written.length * endpoints.length && rows.every((row) => row.status === 'delivered')); wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      rows = await replicas[0]!.deliveries({ limit: 1_000 });
    }
    for (const replica of replicas) await replica.close();
    for (const receiver of receivers) {
      expect(eventIds(receiver.received)).toEqual(written);
      expect(idHeaders(receiver.received)).toEqual(written);
      expect(receiver.received.every((entry) => entry.verified)).toBe(true);
    }
    rows = await replicas[0]!.deliveries({ limit: 1_000 });
    expect(rows).toHaveLength(written.length * endpoints.length);
    expect(rows.every((row) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
    for (const receiver of receivers) await receiver.close();
  });

  it('sends one endpoint its events one at a time across replicas: while one replica waits for an answer, the others send nothing to that endpoint', async () => {
    const receiver = await startReceiver(secret, ['hang']);
    const endpoints = [{ id: endpointId(), url: receiver.url, secret }];
    const [first, second, third] = [
      await createWebhookOutbox({ database: await database(), endpoints }),
      await createWebhookOutbox({ database: await database(), endpoints }),
      await createWebhookOutbox({ database: await database(), endpoints }),
    ];
    const written = [await first.enqueue('service.status', outage)];
    const answering = first.deliverDue();
    await until(() => receiver.hung.length === 1);
    written.push(await second.enqueue('service.status', { ...outage, to: 'half_open', status: 'degraded' }), await third.enqueue('service.status', { ...outage, from: 'open', to: 'closed', status: 'operational' }));
    // The later events are due, but the first is still being answered: no other replica overtakes it.
    expect(await Promise.all([second.deliverDue(), third.deliverDue()])).toEqual([0, 0]);
    expect(receiver.received).toHaveLength(1);
    receiver.hung[0]!.end();
    expect(await answering).toBe(1);
    expect(await second.deliverDue()).toBe(2);
    expect(idHeaders(receiver.received)).toEqual(written);
    for (const replica of [first, second, third]) await replica.close();
    await receiver.close();
  });

  it('a replica whose send hangs past its lease: another delivers the event again with the same id, once, and the late sender changes nothing', async () => {
    const receiver = await startReceiver(secret, ['hang']);
    const endpoints = [{ id: endpointId(), url: receiver.url, secret }];
    let now = Date.now();
    const clock = () => now;
    const leaseMs = 30_000;
    const [stalled, second, third] = [
      await createWebhookOutbox({ database: await database(), endpoints, leaseMs, timeoutMs: 600_000, now: clock }),
      await createWebhookOutbox({ database: await database(), endpoints, leaseMs, now: clock }),
      await createWebhookOutbox({ database: await database(), endpoints, leaseMs, now: clock }),
    ];
    const eventId = await stalled.enqueue('service.status', outage);
    const stuck = stalled.deliverDue();
    await until(() => receiver.hung.length === 1);
    expect(receiver.hung).toHaveLength(1);
    // While the first sender is alive and within its lease, no other replica sends the event.
    now += leaseMs - 1;
    expect(await Promise.all([second.deliverDue(), third.deliverDue()])).toEqual([0, 0]);
    expect(receiver.received).toHaveLength(1);
    // Past the lease the first sender counts as dead: exactly one of the others delivers the event.
    now += 2;
    const sent = await Promise.all([second.deliverDue(), third.deliverDue()]);
    expect(sent.reduce((total, count) => total + count, 0)).toBe(1);
    // What the receiver sees: the same event twice, the same body and the same webhook-id header,
    // each signed; it keeps the first and drops the second by that id (Standard Webhooks' advice).
    expect(receiver.received).toHaveLength(2);
    expect(idHeaders(receiver.received)).toEqual([eventId, eventId]);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
    expect(receiver.received.every((entry) => entry.verified)).toBe(true);
    expect((await second.deliveries({ eventId }))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    // The first sender's request finally fails: its late result must not put the delivered row back.
    receiver.hung[0]!.destroy();
    expect(await stuck).toBe(0);
    expect((await second.deliveries({ eventId }))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    now += 3_600_000;
    expect(await Promise.all([stalled.deliverDue(), second.deliverDue(), third.deliverDue()])).toEqual([0, 0, 0]);
    expect(receiver.received).toHaveLength(2);
    for (const replica of [stalled, second, third]) await replica.close();
    await receiver.close();
  });
});
