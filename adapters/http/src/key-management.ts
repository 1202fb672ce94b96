import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ConfigurationError, type CounterStore, type Engine, type EngineMiddleware, type ExchangeInput, parseConfig, type SpendAlert } from '@routekit/core';
import { type ApiKeyStore, applyAccessPolicy, type AuditLog, type AuthenticatedKey, cidrListSchema, type ContentRetention, createContentRetention, createKeyAuthenticator, createKeyLimits, createSqlApiKeyStore, createSqlAuditLog, createSqlProviderKeyStore, createSqlTenantPreferenceStore, type FailedAuthLockout, isFailedAuthLockout, type KeyAuthenticator, masterKeyFromEnvironment, masterKeyVariable, type ProviderKeyStore, type SqlDatabase, type TenantPreferenceStore } from '@routekit/operations';
import { presentedKey, type Caller } from './authenticate.js';

export interface KeyManagementOptions {
  /** Where keys, tenant preferences and the audit log live: `openSqliteDatabase(...)` or `await openPostgresDatabase(...)` (shared by instances). */
  database: SqlDatabase;
  /** A bootstrap admin key outside the database; default `ROUTEKIT_ADMIN_KEY` from the environment, if set. */
  adminKey?: string;
  /** The tenant of requests made with `adminKey`. Default `default`. */
  adminTenant?: string;
  /** Proxies (CIDR ranges) whose `X-Forwarded-For` is believed for IP allowlists and lockout; none by default. */
  trustedProxies?: string[];
  /**
   * Failed attempts from one address (or on one key id) before it is locked out (429 with
   * Retry-After): the numbers, counted in process memory; a lockout shared by replicas
   * (`openSharedStores(...).lockout` or `createRedisFailedAuthLockout`); or `false` to turn it off.
   * Default 10 in 300 s lock for 900 s, in memory.
   */
  lockout?: { maxFailures?: number; windowSeconds?: number; lockSeconds?: number } | FailedAuthLockout | false;
  /** How long a rotated key keeps working by default, in seconds. Default 86,400 (a day). */
  rotationOverlapSeconds?: number;
  /** Where keys' rate and spend counters live; share a Redis store between instances. Default: process memory. */
  limitStore?: CounterStore;
  /** Called when a key's spend crosses its alert threshold. */
  onSpendAlert?: (alert: SpendAlert) => void;
  /** The clock, epoch ms (tests). */
  now?: () => number;
}

/** Durable API keys, tenant preferences and the audit log, ready for `createHttpBridge({ keyManagement })`. */
export interface KeyManagement {
  readonly keys: ApiKeyStore;
  readonly preferences: TenantPreferenceStore;
  readonly audit: AuditLog;
  readonly authenticator: KeyAuthenticator;
  /** Prompts and answers of tenants whose preferences opt in (`content_retention_days`). */
  readonly retention: ContentRetention;
  /** Tenants' own provider keys (BYOK), sealed under `ROUTEKIT_MASTER_KEY`; absent without a master key. */
  readonly providerKeys: ProviderKeyStore | undefined;
  /** The keys' rate and spend limiters and content retention; the gateway puts them on the engine it builds (a ready `engine` needs them in its `middleware`). */
  readonly middleware: EngineMiddleware[];
  readonly rotationOverlapSeconds: number;
  /** The clock the keys' expiry and overlap are judged by, epoch ms. */
  now(): number;
  /** The caller of a request, or a 401/429 `RoutekitError`. */
  authenticate(request: IncomingMessage): Promise<Caller>;
  /** What the authenticator knew of a caller (its key record, address). */
  authenticated(caller: Caller): AuthenticatedKey | undefined;
  /** Applies the caller's key policy and tenant preferences to a request before routing. */
  prepare(input: ExchangeInput, caller: Caller, engine: Engine): Promise<ExchangeInput>;
}

const optionsSchema = z.strictObject({
  database: z.custom<SqlDatabase>((value) => typeof value === 'object' && value !== null && typeof (value as SqlDatabase).query === 'function' && ((value as SqlDatabase).dialect === 'sqlite' || (value as SqlDatabase).dialect === 'postgres'), 'must be a SqlDatabase (openSqliteDatabase or openPostgresDatabase)'),
  adminKey: z.string().min(24, 'must be at least 24 characters').refine((key) => !key.startsWith('rk_'), 'must not start with rk_, which marks keys kept in the database').optional(),
  adminTenant: z.string().min(1).optional(),
  trustedProxies: cidrListSchema.optional(),
  lockout: z.union([z.literal(false), z.custom<FailedAuthLockout>(isFailedAuthLockout), z.strictObject({ maxFailures: z.number().int().positive().optional(), windowSeconds: z.number().positive().optional(), lockSeconds: z.number().positive().optional() })]).optional(),
  rotationOverlapSeconds: z.number().int().nonnegative().optional(),
  limitStore: z.custom<CounterStore>((value) => typeof value === 'object' && value !== null && typeof (value as CounterStore).reserve === 'function', 'must be a CounterStore').optional(),
  onSpendAlert: z.custom<(alert: SpendAlert) => void>((value) => typeof value === 'function', 'must be a function').optional(),
  now: z.custom<() => number>((value) => typeof value === 'function', 'must be a function').optional(),
});

/**
 * Opens the key store, tenant preferences and audit log on one database (migrating it), and
 * returns what the HTTP bridge needs to authenticate with them, apply per-key and per-tenant
 * policies before routing, enforce per-key limits, and serve the admin API. Options are checked
 * strictly: a misspelled one is a `ConfigurationError` naming it (`keyManagement.trustedProxys`).
 *
 * @example
 * const keyManagement = await createKeyManagement({ database: await openPostgresDatabase({ connection: process.env.DATABASE_URL! }) });
 * app.use(routerMiddleware({ providers, keyManagement }));
 */
export async function createKeyManagement(options: KeyManagementOptions): Promise<KeyManagement> {
  const valid = parseConfig(optionsSchema, options, { path: 'keyManagement' });
  const { database } = valid;
  const fromEnvironment = process.env.ROUTEKIT_ADMIN_KEY === undefined || process.env.ROUTEKIT_ADMIN_KEY === '' ? undefined : process.env.ROUTEKIT_ADMIN_KEY;
  if (valid.adminKey === undefined && fromEnvironment !== undefined && (fromEnvironment.length < 24 || fromEnvironment.startsWith('rk_'))) {
    throw new ConfigurationError('ROUTEKIT_ADMIN_KEY must be at least 24 characters and must not start with rk_ (the prefix of keys kept in the database).', { key: 'ROUTEKIT_ADMIN_KEY' });
  }
  const adminKey = valid.adminKey ?? fromEnvironment;
  const now = valid.now;
  const keys = await createSqlApiKeyStore({ database, ...(now && { now }) });
  const audit = await createSqlAuditLog({ database, ...(now && { now }) });
  const preferences = await createSqlTenantPreferenceStore({ database, ...(now && { now }) });
  const retention = await createContentRetention({ database, preferences, ...(now && { now }) });
  // BYOK needs a master key; without one the gateway's own provider keys serve every tenant.
  const providerKeys = process.env[masterKeyVariable] ? await createSqlProviderKeyStore({ database, masterKey: masterKeyFromEnvironment() }) : undefined;
  const authenticator = createKeyAuthenticator({
    keys,
    audit,
    ...(valid.lockout !== undefined && { lockout: valid.lockout }),
    ...(valid.trustedProxies && { trustedProxies: valid.trustedProxies }),
    ...(adminKey !== undefined && { adminKey }),
    ...(valid.adminTenant && { adminTenant: valid.adminTenant }),
    ...(now && { now }),
  });
  // A gateway starting with other security settings than the last one recorded is a configuration
  // change worth an audit event (what changed, never the admin key itself).
  const configuration = {
    admin_key: adminKey === undefined ? 'none' : 'configured',
    admin_tenant: valid.adminTenant ?? 'default',
    trusted_proxies: valid.trustedProxies ?? [],
    lockout: isFailedAuthLockout(valid.lockout) ? 'shared' : (valid.lockout ?? {}),
    rotation_overlap_seconds: valid.rotationOverlapSeconds ?? 86_400,
  };
  const [last] = await audit.list({ type: 'configuration.changed', newestFirst: true, limit: 1 });
  if (last === undefined || JSON.stringify(last.detail.current) !== JSON.stringify(configuration)) {
    await audit.append({ type: 'configuration.changed', actor: 'gateway', target: 'keyManagement', detail: { previous: last?.detail.current ?? null, current: configuration } });
  }
  const limits = createKeyLimits({ ...(valid.limitStore && { store: valid.limitStore }), ...(valid.onSpendAlert && { onAlert: valid.onSpendAlert }) });
  // Callers are fresh objects per request; what the authenticator learnt rides beside them, not on them.
  const known = new WeakMap<Caller, AuthenticatedKey>();

  return {
    keys,
    preferences,
    audit,
    authenticator,
    retention,
    providerKeys,
    // Retention last: inside PII redaction, so it keeps the redacted request and the unrestored answer.
    middleware: [...limits.middleware, retention.middleware],
    rotationOverlapSeconds: valid.rotationOverlapSeconds ?? 86_400,
    now: now ?? Date.now,
    async authenticate(request) {
      const forwarded = request.headers['x-forwarded-for'];
      const authenticated = await authenticator.authenticate({
        key: presentedKey(request),
        peer: request.socket.remoteAddress,
        forwardedFor: Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
      });
      if (authenticated.record !== undefined) limits.observe(authenticated.record);
      const caller: Caller = { tenant: authenticated.tenant, apiKeyId: authenticated.apiKeyId, admin: authenticated.admin };
      known.set(caller, authenticated);
      return caller;
    },
    authenticated: (caller) => known.get(caller),
    async prepare(input, caller, engine) {
      const key = known.get(caller)?.record?.policy;
      const tenant = await preferences.get(caller.tenant);
      return applyAccessPolicy(input, { ...(key && { key }), tenant }, engine.catalog);
    },
  };
}
