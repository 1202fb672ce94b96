import { timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeyStatus, auditEventsToJsonl, createSqlApiKeyStore, createSqlAuditLog, createSqlTenantPreferenceStore, hashApiKeyToken, parseApiKey, parseTenantPreferences, type SqlDatabase } from '@routekit/operations';
import { closedAfterSuite, databasesUnderTest } from '../packages/operations/src/storage/sql-database-suite.js';

// The durable key store, audit log and tenant preferences, one suite against a SQLite file and the
// real PostgreSQL on 127.0.0.1:5432 (database `test`). The tables are shared with other suites, so
// every test uses tenants of its own (`run` below) and never deletes or drops anything.
const run = `ops-${process.pid}-${Date.now().toString(36)}`;
const databases = databasesUnderTest('routekit-operations-');

/** A database whose reads are counted, to show a lookup is one indexed read, not a scan. */
function counting(database: SqlDatabase): { database: SqlDatabase; queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    database: {
      dialect: database.dialect,
      query: (sql, parameters) => {
        queries.push(sql);
        return database.query(sql, parameters);
      },
      execute: (sql, parameters) => database.execute(sql, parameters),
      script: (sql) => database.script(sql),
      transaction: (work) => database.transaction(work),
      close: () => database.close(),
    },
  };
}

describe.each(databases)('operations stores on %s', (name, open) => {
  const database = closedAfterSuite(open);

  it('creates prefixed keys, stores only their digest, and verifies them with one read and one compare', async () => {
    const base = await database();
    const compares: number[] = [];
    const { database: counted, queries } = counting(base);
    const keys = await createSqlApiKeyStore({ database: counted, compare: (stored, presented) => (compares.push(1), timingSafeEqual(stored, presented)) });
    const live = await keys.create({ tenant: `${run}-a`, name: 'search' });
    const test = await keys.create({ tenant: `${run}-a`, environment: 'test' });
    expect(live.key).toMatch(/^rk_live_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(test.key).toMatch(/^rk_test_[0-9a-f]{16}_/);
    expect(parseApiKey(live.key)?.keyId).toBe(live.record.id);
    const rows = await base.query<{ secret_hash: string }>('SELECT secret_hash FROM routekit_api_keys WHERE id = $1', [live.record.id]);
    expect(rows[0]!.secret_hash).toBe(hashApiKeyToken(live.key).toString('hex'));
    expect(JSON.stringify(rows)).not.toContain(parseApiKey(live.key)!.secret);

    queries.length = 0;
    compares.length = 0;
    expect((await keys.verify(live.key)).record?.tenant).toBe(`${run}-a`);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/WHERE id = \$1$/);
    expect(compares).toHaveLength(1);
    // A wrong secret, an unknown id and a malformed key: each costs the same single compare.
    for (const wrong of [`${live.key.slice(0, -1)}${live.key.endsWith('A') ? 'B' : 'A'}`, `rk_live_0123456789abcdef_${'x'.repeat(43)}`, 'sk-not-ours']) {
      compares.length = 0;
      expect((await keys.verify(wrong)).record).toBeUndefined();
      expect(compares).toHaveLength(1);
    }
  });

  it('revokes at once, expires, and rotates with an overlap window', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const keys = await createSqlApiKeyStore({ database: await database(), now: () => now });
    const expiring = await keys.create({ tenant: `${run}-b`, expiresAt: now + 60_000 });
    expect(apiKeyStatus(expiring.record, now)).toBe('active');
    expect(apiKeyStatus(expiring.record, now + 60_000)).toBe('expired');

    const revoked = await keys.create({ tenant: `${run}-b` });
    expect((await keys.revoke(revoked.record.id))?.revokedAt).toBe(now);
    now += 1000;
    expect((await keys.revoke(revoked.record.id))?.revokedAt).toBe(now - 1000);
    expect(apiKeyStatus((await keys.verify(revoked.key)).record!, now)).toBe('revoked');
    await expect(keys.rotate(revoked.record.id, { overlapSeconds: 10 })).rejects.toMatchObject({ code: 'key_not_active', status: 409 });

    const old = await keys.create({ tenant: `${run}-b`, policy: { allowedModels: ['openai/gpt-4.1-mini'], rateLimit: { requestsPerMinute: 5 } } });
    const rotated = (await keys.rotate(old.record.id, { overlapSeconds: 60 }))!;
    expect(rotated.record.rotatedFrom).toBe(old.record.id);
    expect(rotated.record.policy).toEqual(old.record.policy);
    expect(rotated.record.tenant).toBe(`${run}-b`);
    const previous = (await keys.verify(old.key)).record!;
    expect(previous.replacedBy).toBe(rotated.record.id);
    expect(apiKeyStatus(previous, now + 59_999)).toBe('rotating');
    expect(apiKeyStatus(previous, now + 60_000)).toBe('rotated');
    expect(apiKeyStatus((await keys.verify(rotated.key)).record!, now + 60_000)).toBe('active');
    await expect(keys.rotate(old.record.id, { overlapSeconds: 60 })).rejects.toMatchObject({ code: 'key_already_rotated', status: 409 });
    expect(await keys.rotate('0000000000000000', { overlapSeconds: 60 })).toBeUndefined();
    // Same clock millisecond for several keys: the order among them is by id, so compare as sets.
    expect((await keys.list({ tenant: `${run}-b` })).map((record) => record.id).sort()).toEqual([expiring.record.id, revoked.record.id, old.record.id, rotated.record.id].sort());
  });

  it('appends audit events in order and exports them as JSON Lines, with no way to change them', async () => {
    const audit = await createSqlAuditLog({ database: await database() });
    const tenant = `${run}-audit`;
    const first = await audit.append({ type: 'key.created', actor: 'cli', tenant, target: 'abc', detail: { environment: 'live' } });
    const second = await audit.append({ type: 'auth.failed', actor: 'anonymous', tenant, address: '203.0.113.9', detail: { reason: 'unknown_key' } });
    expect(second.sequence).toBeGreaterThan(first.sequence);
    const events = await audit.list({ tenant });
    expect(events.map((event) => event.type)).toEqual(['key.created', 'auth.failed']);
    expect(await audit.list({ tenant, after: first.sequence })).toHaveLength(1);
    expect(await audit.list({ tenant, type: 'auth.failed' })).toEqual([second]);
    const lines = auditEventsToJsonl(events).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line) as { type: string; detail: unknown })).toEqual(events.map((event) => JSON.parse(JSON.stringify(event)) as unknown));
    expect(Object.keys(audit).sort()).toEqual(['append', 'list']);
  });

  it('keeps tenant preferences, replacing them whole and returning the previous ones', async () => {
    const store = await createSqlTenantPreferenceStore({ database: await database() });
    const tenant = `${run}-prefs`;
    expect(await store.get(tenant)).toEqual({});
    const first = parseTenantPreferences({ default_priority: 'latency', blocked_providers: ['anthropic'] });
    expect(await store.put(tenant, first)).toEqual({});
    expect(await store.put(tenant, { allowed_models: ['openai/gpt-4.1-mini'] })).toEqual(first);
    expect(await store.get(tenant)).toEqual({ allowed_models: ['openai/gpt-4.1-mini'] });
  });

  if (name === 'SQLite file') {
    it('looks up one of 10,000 keys with one read and one hash compare', async () => {
      const base = await database();
      let compares = 0;
      const { database: counted, queries } = counting(base);
      const keys = await createSqlApiKeyStore({ database: counted, compare: (stored, presented) => (compares += 1, timingSafeEqual(stored, presented)) });
      const created: string[] = [];
      await base.transaction(async () => {
        for (let index = 0; index < 10_000; index += 1) created.push((await keys.create({ tenant: `${run}-many-${index % 13}` })).key);
      });
      expect(await base.query<{ count: number }>('SELECT COUNT(*) AS count FROM routekit_api_keys')).toEqual([{ count: 10_000 }]);
      queries.length = 0;
      compares = 0;
      for (const key of [created[0]!, created[4_999]!, created[9_999]!]) expect((await keys.verify(key)).record).toBeDefined();
      expect(compares).toBe(3);
      expect(queries).toHaveLength(3);
    });
  }
});

describe('tenant preferences validation', () => {
  it('names a misspelled field and refuses turning fallbacks off rather than ignoring it', () => {
    expect(() => parseTenantPreferences({ blocked_modles: [] })).toThrow(/blocked_modles is not an option; did you mean blocked_models\?/);
    expect(parseTenantPreferences({ fallback_enabled: false })).toEqual({ fallback_enabled: false });
    expect(parseTenantPreferences({ default_priority: 'cost', quality_threshold: 0.8, max_latency_ms: 3000, allowed_providers: ['openai'], blocked_providers: [], allowed_models: [], blocked_models: [], fallback_enabled: true, fallback_chain: ['openai/gpt-4.1-mini'] })).toMatchObject({ default_priority: 'cost' });
  });
});
