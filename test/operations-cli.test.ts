import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSqlApiKeyStore, openSqliteDatabase } from '@routekit/operations';
import { keys } from '../packages/cli/src/commands/keys.js';
import { runCommand } from '../packages/cli/src/run-command.js';
import { testPostgresConnection } from '../packages/operations/src/storage/sql-database-suite.js';

// `routekit keys` against a SQLite file of its own: the secret printed once, one-line errors naming
// the flag with exit code 2, and an audit export holding what the commands did.
const database = join(mkdtempSync(join(tmpdir(), 'routekit-keys-cli-')), 'routekit.db');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    return { code: await runCommand('keys', keys, args), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}
afterEach(() => vi.restoreAllMocks());

describe('routekit keys', () => {
  it('creates a key, printing the secret once, with its policy stored', async () => {
    const created = await cli(['create', '--database', database, '--tenant', 'acme', '--test', '--expires-in', '30d', '--models', 'openai/gpt-4.1-mini,openai/gpt-4.1', '--ip-allowlist', '10.0.0.0/8,2001:db8::/32', '--rpm', '60', '--daily-usd', '5']);
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^rk_test_[0-9a-f]{16}_/);
    expect(created.err).toMatch(/only time the secret is shown/);
    const store = await createSqlApiKeyStore({ database: openSqliteDatabase({ path: database }) });
    const { record } = await store.verify(key);
    expect(record).toMatchObject({ tenant: 'acme', environment: 'test', policy: { allowedModels: ['openai/gpt-4.1-mini', 'openai/gpt-4.1'], ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'], rateLimit: { requestsPerMinute: 60 }, spendLimit: { limits: { daily_usd: 5 } } } });
    expect(record!.expiresAt! - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const listed = await cli(['list', '--database', database, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.out).not.toContain(key.split('_').slice(3).join('_'));
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ id: record!.id, status: 'active', prefix: `rk_test_${record!.id}` })]);
  });

  it('rotates and revokes, and the audit export (JSONL) has each event without secrets', async () => {
    const key = (await cli(['create', '--database', database, '--tenant', 'globex'])).out.trim();
    const id = key.split('_')[2]!;
    const rotated = await cli(['rotate', id, '--database', database, '--overlap', '1h']);
    expect(rotated.code).toBe(0);
    const fresh = rotated.out.trim();
    expect(fresh).toMatch(/^rk_live_/);
    expect(rotated.err).toMatch(new RegExp(`replaces ${id}, which works until`));
    const freshId = fresh.split('_')[2]!;
    expect((await cli(['revoke', freshId, '--database', database])).out).toBe(`key ${freshId} revoked\n`);
    const exported = await cli(['audit', '--database', database, '--format', 'jsonl', '--tenant', 'globex']);
    expect(exported.code).toBe(0);
    const events = exported.out.trim().split('\n').map((line) => JSON.parse(line) as { type: string; target: string; actor: string });
    expect(events.map((event) => [event.type, event.target])).toEqual([['key.created', id], ['key.rotated', id], ['key.revoked', freshId]]);
    expect(exported.out).not.toContain(key.split('_').slice(3).join('_'));
    expect(exported.out).not.toContain(fresh.split('_').slice(3).join('_'));
  });

  it('works on PostgreSQL given a postgres:// URL', async () => {
    const url = testPostgresConnection;
    const tenant = `cli-${process.pid}-${Date.now().toString(36)}`;
    const created = await cli(['create', '--database', url, '--tenant', tenant, '--admin']);
    expect(created.code).toBe(0);
    const id = created.out.trim().split('_')[2]!;
    const listed = await cli(['list', '--database', url, '--tenant', tenant]);
    expect(listed.out).toMatch(new RegExp(`^${id}  active    live  ${tenant}  admin\n$`));
  });

  it.each([
    [['create', '--database', database], /--tenant is required/],
    [['create', '--database', database, '--tenant', 'a', '--expires-in', '30 days'], /--expires-in: expected a duration like/],
    [['create', '--database', database, '--tenant', 'a', '--ip-allowlist', '10.0.0.0/40'], /--ip-allowlist: "10\.0\.0\.0\/40" is not an IPv4 or IPv6/],
    [['create', '--database', database, '--tenant', 'a', '--rpm', 'many'], /--rpm: expected a whole number/],
    [['create', '--database', database, '--tenant', 'a', '--modles', 'x'], /unknown option --modles/],
    [['revoke', 'rk_live_nope', '--database', database], /is not a key id/],
    [['revoke', '0123456789abcdef', '--database', database], /no API key with id 0123456789abcdef/],
    [['audit', '--database', database, '--format', 'csv'], /--format: expected jsonl or json/],
    [['frobnicate'], /unknown subcommand "frobnicate"/],
    [[], /missing subcommand/],
  ])('refuses %j with one line and exit code 2', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err.trim().split('\n')).toHaveLength(1);
  });
});
