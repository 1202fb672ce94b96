import { apiKeyPolicySchema, apiKeyStatus, auditEventsToJsonl, createSqlApiKeyStore, createSqlAuditLog, isApiKeyId, openPostgresDatabase, openSqliteDatabase, type ApiKeyPolicy, type ApiKeyRecord, type AuditEventType, type SqlDatabase } from '@routekit/operations';
import type { Command } from '../commands.js';
import { numberFlag, onePositional, parseCommandLine } from '../parse-command-line.js';
import { UsageError } from '../usage-error.js';

const help = `usage: routekit keys <create|list|revoke|rotate|audit> [options]
Manages the gateway's API keys in its database (the same one \`keyManagement\` uses).
  create  --tenant T [--name N] [--test] [--admin] [--expires-in 30d] [--models a,b] [--providers a,b]
          [--ip-allowlist 10.0.0.0/8,2001:db8::/32] [--rpm N] [--tpm N] [--rpd N] [--daily-usd N] [--monthly-usd N]
          prints the new key once: it is stored only as a hash and cannot be shown again
  list    [--tenant T]                     the keys, without secrets
  revoke  <key id>                         refused from now on, on every instance
  rotate  <key id> [--overlap 1d]          a new key; the old one works until the overlap ends (default 1d)
  audit   [--format jsonl|json] [--since 2026-01-01T00:00:00Z] [--type key.created] [--tenant T] [--limit N]
Every command takes --database <SQLite file or postgres:// URL> (default ROUTEKIT_DATABASE, else
.routekit/routekit.db) and --json (machine-readable output).
`;

const common = { database: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } } as const;
const createOptions = {
  ...common,
  tenant: { type: 'string' },
  name: { type: 'string' },
  test: { type: 'boolean' },
  admin: { type: 'boolean' },
  'expires-in': { type: 'string' },
  models: { type: 'string' },
  providers: { type: 'string' },
  'ip-allowlist': { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  rpd: { type: 'string' },
  'daily-usd': { type: 'string' },
  'monthly-usd': { type: 'string' },
} as const;

const auditTypes: readonly AuditEventType[] = ['key.created', 'key.revoked', 'key.rotated', 'preferences.updated', 'configuration.changed', 'auth.failed', 'auth.locked_out', 'admin.read', 'admin.denied'];

/** `routekit keys`: create, list, revoke and rotate API keys, and export the audit log. */
export const keys: Command = {
  summary: 'create, list, revoke and rotate API keys; export the audit log',
  async run(argv) {
    const [subcommand, ...rest] = argv;
    if (subcommand === undefined) throw new UsageError('missing subcommand; expected create, list, revoke, rotate or audit');
    if (subcommand === '--help' || subcommand === '-h' || subcommand === 'help') return printHelp();
    switch (subcommand) {
      case 'create':
        return create(rest);
      case 'list':
        return list(rest);
      case 'revoke':
        return revoke(rest);
      case 'rotate':
        return rotate(rest);
      case 'audit':
        return audit(rest);
      default:
        throw new UsageError(`unknown subcommand ${JSON.stringify(subcommand)}; expected create, list, revoke, rotate or audit`);
    }
  },
};

async function create(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({ args: argv, options: createOptions });
  if (values.help) return printHelp();
  if (values.tenant === undefined || values.tenant.trim() === '') throw new UsageError('--tenant is required: the tenant the key belongs to', { flag: '--tenant' });
  const policy: ApiKeyPolicy = {};
  if (values.models !== undefined) policy.allowedModels = listFlag('--models', values.models);
  if (values.providers !== undefined) policy.allowedProviders = listFlag('--providers', values.providers);
  if (values['ip-allowlist'] !== undefined) {
    const ranges = listFlag('--ip-allowlist', values['ip-allowlist']);
    const checked = apiKeyPolicySchema.shape.ipAllowlist.safeParse(ranges);
    if (!checked.success) throw new UsageError(`--ip-allowlist: ${JSON.stringify(ranges[Number(checked.error.issues[0]?.path[0] ?? 0)] ?? '')} is not an IPv4 or IPv6 address or CIDR range`, { flag: '--ip-allowlist' });
    policy.ipAllowlist = ranges;
  }
  const whole = (flag: string, text: string) => numberFlag(flag, text, { integer: true, minimum: 0, expected: 'a whole number >= 0' });
  const rate: NonNullable<ApiKeyPolicy['rateLimit']> = {};
  if (values.rpm !== undefined) rate.requestsPerMinute = whole('--rpm', values.rpm);
  if (values.tpm !== undefined) rate.tokensPerMinute = whole('--tpm', values.tpm);
  if (values.rpd !== undefined) rate.requestsPerDay = whole('--rpd', values.rpd);
  if (Object.keys(rate).length > 0) policy.rateLimit = rate;
  const limits: NonNullable<ApiKeyPolicy['spendLimit']>['limits'] = {};
  if (values['daily-usd'] !== undefined) limits.daily_usd = numberFlag('--daily-usd', values['daily-usd'], { minimum: 0, expected: 'an amount in USD >= 0' });
  if (values['monthly-usd'] !== undefined) limits.monthly_usd = numberFlag('--monthly-usd', values['monthly-usd'], { minimum: 0, expected: 'an amount in USD >= 0' });
  if (Object.keys(limits).length > 0) policy.spendLimit = { limits };
  const expiresAt = values['expires-in'] === undefined ? null : Date.now() + durationFlag('--expires-in', values['expires-in']) * 1000;

  return withDatabase(values.database, async (database) => {
    const store = await createSqlApiKeyStore({ database });
    const log = await createSqlAuditLog({ database });
    const { key, record } = await store.create({ tenant: values.tenant!, name: values.name ?? null, environment: values.test ? 'test' : 'live', admin: values.admin ?? false, expiresAt, policy });
    await log.append({ type: 'key.created', actor: 'cli', tenant: record.tenant, target: record.id, detail: { environment: record.environment, admin: record.admin } });
    if (values.json) process.stdout.write(`${JSON.stringify({ ...view(record), key })}\n`);
    else {
      process.stdout.write(`${key}\n`);
      process.stderr.write(`key ${record.id} for tenant ${record.tenant} created; the line above is the only time the secret is shown\n`);
    }
    return 0;
  });
}

async function list(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({ args: argv, options: { ...common, tenant: { type: 'string' } } });
  if (values.help) return printHelp();
  return withDatabase(values.database, async (database) => {
    const records = await (await createSqlApiKeyStore({ database })).list(values.tenant === undefined ? {} : { tenant: values.tenant });
    if (values.json) process.stdout.write(`${JSON.stringify(records.map(view))}\n`);
    else for (const record of records) process.stdout.write(`${record.id}  ${apiKeyStatus(record, Date.now()).padEnd(8)}  ${record.environment.padEnd(4)}  ${record.tenant}${record.admin ? '  admin' : ''}${record.name === null ? '' : `  ${record.name}`}\n`);
    return 0;
  });
}

async function revoke(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, options: common });
  if (values.help) return printHelp();
  const id = keyIdArgument(positionals);
  return withDatabase(values.database, async (database) => {
    const store = await createSqlApiKeyStore({ database });
    const record = await store.revoke(id);
    if (record === undefined) throw new UsageError(`no API key with id ${id}`);
    await (await createSqlAuditLog({ database })).append({ type: 'key.revoked', actor: 'cli', tenant: record.tenant, target: record.id });
    process.stdout.write(values.json ? `${JSON.stringify(view(record))}\n` : `key ${record.id} revoked\n`);
    return 0;
  });
}

async function rotate(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, options: { ...common, overlap: { type: 'string' } } });
  if (values.help) return printHelp();
  const id = keyIdArgument(positionals);
  const overlapSeconds = values.overlap === undefined ? 86_400 : durationFlag('--overlap', values.overlap, true);
  return withDatabase(values.database, async (database) => {
    const rotated = await (await createSqlApiKeyStore({ database })).rotate(id, { overlapSeconds });
    if (rotated === undefined) throw new UsageError(`no API key with id ${id}`);
    await (await createSqlAuditLog({ database })).append({ type: 'key.rotated', actor: 'cli', tenant: rotated.record.tenant, target: id, detail: { replaced_by: rotated.record.id, overlap_seconds: overlapSeconds } });
    if (values.json) process.stdout.write(`${JSON.stringify({ ...view(rotated.record), key: rotated.key, previous: view(rotated.previous) })}\n`);
    else {
      process.stdout.write(`${rotated.key}\n`);
      process.stderr.write(`key ${rotated.record.id} replaces ${id}, which works until ${new Date(rotated.previous.overlapUntil!).toISOString()}; the line above is the only time the secret is shown\n`);
    }
    return 0;
  });
}

async function audit(argv: string[]): Promise<number> {
  const { values } = parseCommandLine({ args: argv, options: { ...common, format: { type: 'string' }, since: { type: 'string' }, type: { type: 'string' }, tenant: { type: 'string' }, limit: { type: 'string' } } });
  if (values.help) return printHelp();
  const format = values.format ?? (values.json ? 'json' : 'jsonl');
  if (format !== 'jsonl' && format !== 'json') throw new UsageError(`--format: expected jsonl or json, got ${JSON.stringify(format)}`, { flag: '--format' });
  const since = values.since === undefined ? undefined : Date.parse(values.since);
  if (since !== undefined && !Number.isFinite(since)) throw new UsageError(`--since: expected an ISO time like 2026-01-01T00:00:00Z, got ${JSON.stringify(values.since)}`, { flag: '--since' });
  if (values.type !== undefined && !auditTypes.includes(values.type as AuditEventType)) throw new UsageError(`--type: expected one of ${auditTypes.join(', ')}`, { flag: '--type' });
  const limit = values.limit === undefined ? 10_000 : numberFlag('--limit', values.limit, { integer: true, minimum: 1, maximum: 10_000, expected: 'a whole number in 1..10000' });
  return withDatabase(values.database, async (database) => {
    const events = await (await createSqlAuditLog({ database })).list({ limit, ...(since !== undefined && { since }), ...(values.type !== undefined && { type: values.type as AuditEventType }), ...(values.tenant !== undefined && { tenant: values.tenant }) });
    process.stdout.write(format === 'jsonl' ? auditEventsToJsonl(events) : `${JSON.stringify(events)}\n`);
    return 0;
  });
}

function printHelp(): number {
  process.stdout.write(help);
  return 0;
}

/** Opens the database a flag (or ROUTEKIT_DATABASE) names, runs `work`, and closes it. */
export async function withDatabase(flag: string | undefined, work: (database: SqlDatabase) => Promise<number>): Promise<number> {
  const target = flag ?? process.env.ROUTEKIT_DATABASE ?? '.routekit/routekit.db';
  if (target.trim() === '') throw new UsageError('--database needs a SQLite file or a postgres:// URL', { flag: '--database' });
  const database = /^postgres(ql)?:\/\//i.test(target) ? await openPostgresDatabase({ connection: target, poolSize: 2 }) : openSqliteDatabase({ path: target });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

function keyIdArgument(positionals: readonly string[]): string {
  const id = onePositional(positionals, 'key id');
  if (!isApiKeyId(id)) throw new UsageError(`${JSON.stringify(id.slice(0, 40))} is not a key id (16 hex characters, the part after rk_live_ or rk_test_)`);
  return id;
}

function listFlag(flag: string, text: string): string[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw new UsageError(`${flag}: expected a comma-separated list without empty entries, got ${JSON.stringify(text)}`, { flag });
  return items;
}

/** `90s`, `15m`, `12h`, `30d` in seconds; `0` is allowed only where it means "no overlap". */
function durationFlag(flag: string, text: string, allowZero = false): number {
  const match = /^(\d{1,9})(s|m|h|d)$/.exec(text.trim());
  const seconds = match === null ? Number.NaN : Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  if (!Number.isFinite(seconds) || (!allowZero && seconds === 0)) throw new UsageError(`${flag}: expected a duration like 90s, 15m, 12h or 30d, got ${JSON.stringify(text)}`, { flag });
  return seconds;
}

function view(record: ApiKeyRecord) {
  const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());
  return {
    id: record.id,
    prefix: `rk_${record.environment}_${record.id}`,
    tenant: record.tenant,
    name: record.name,
    admin: record.admin,
    status: apiKeyStatus(record, Date.now()),
    created_at: iso(record.createdAt),
    expires_at: iso(record.expiresAt),
    revoked_at: iso(record.revokedAt),
    replaced_by: record.replacedBy,
    overlap_until: iso(record.overlapUntil),
    policy: record.policy,
  };
}
