import { z } from 'zod';
import { ConfigurationError, InvalidRequestError, parseConfig } from '@routekit/core';
import { migrate, type Migration } from '../storage/migrate.js';
import type { SqlDatabase } from '../storage/sql-database.js';

/**
 * A tenant's routing preferences, in seed 002's names. Applied before routing to every request of
 * the tenant: allow and block lists narrow the models routing may pick (an explicit request for
 * a model outside them is a 403), the rest are defaults the request's own hints override.
 */
export interface TenantPreferences {
  /** `priority` when the request's hints set none. */
  default_priority?: 'cost' | 'latency' | 'quality';
  /** `min_quality_score` when the request sets none. */
  quality_threshold?: number;
  /** `max_latency_ms` when the request sets none. */
  max_latency_ms?: number;
  /** `prefer_providers` when the request sets none. */
  prefer_providers?: string[];
  /** Only these providers' models; all when empty or omitted. */
  allowed_providers?: string[];
  /** Never these providers' models. */
  blocked_providers?: string[];
  /** Only these models; all when empty or omitted. */
  allowed_models?: string[];
  /** Never these models. */
  blocked_models?: string[];
  /** `false`: the tenant's requests get no other model when theirs fails (only the first candidate, with its retries). Default `true`. */
  fallback_enabled?: boolean;
  /** The `x-fallback-chain` of requests that name none. */
  fallback_chain?: string[];
  /**
   * Keep the tenant's prompts and answers (after PII redaction) for this many days, for debugging
   * (seed 002: content retention per organisation). Off when omitted: by default no text is stored.
   */
  content_retention_days?: number;
}

const names = z.array(z.string().min(1).max(200)).max(500);

/** Strict: a misspelled preference is refused with its name. */
export const tenantPreferencesSchema = z.strictObject({
  default_priority: z.enum(['cost', 'latency', 'quality']).optional(),
  quality_threshold: z.number().min(0).max(1).optional(),
  max_latency_ms: z.number().positive().optional(),
  prefer_providers: names.optional(),
  allowed_providers: names.optional(),
  blocked_providers: names.optional(),
  allowed_models: names.optional(),
  blocked_models: names.optional(),
  fallback_enabled: z.boolean().optional(),
  fallback_chain: z.array(z.string().min(1).max(512)).min(1).max(5).optional(),
  content_retention_days: z.number().int().min(1).max(365).optional(),
});

/**
 * Validates preferences from the admin API or the CLI; a bad field is an `InvalidRequestError`
 * (400) whose `param` names it, e.g. `blocked_modles is not an option; did you mean blocked_models?`.
 */
export function parseTenantPreferences(value: unknown): TenantPreferences {
  try {
    return parseConfig(tenantPreferencesSchema, value);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new InvalidRequestError(error.message, { code: 'invalid_preferences', param: error.key });
    throw error;
  }
}

export const tenantPreferenceMigrations: readonly Migration[] = [
  {
    id: '0103-tenant-preferences',
    sqlite: 'CREATE TABLE IF NOT EXISTS routekit_tenant_preferences (tenant TEXT PRIMARY KEY, preferences TEXT NOT NULL, updated_at INTEGER NOT NULL)',
    postgres: 'CREATE TABLE IF NOT EXISTS routekit_tenant_preferences (tenant TEXT PRIMARY KEY, preferences TEXT NOT NULL, updated_at BIGINT NOT NULL)',
  },
];

export interface TenantPreferenceStore {
  /** The tenant's preferences; `{}` when it has none. */
  get(tenant: string): Promise<TenantPreferences>;
  /** Replaces the tenant's preferences (PUT semantics) and returns the previous ones. */
  put(tenant: string, preferences: TenantPreferences): Promise<TenantPreferences>;
}

/**
 * Tenant preferences on SQLite or PostgreSQL. Read on every request of the tenant (one primary-key
 * read), not cached, so a change made through one instance applies on every instance at once.
 */
export async function createSqlTenantPreferenceStore(options: { database: SqlDatabase; now?: () => number }): Promise<TenantPreferenceStore> {
  const { database } = options;
  const clock = options.now ?? Date.now;
  await migrate(database, tenantPreferenceMigrations);
  const read = async (runner: SqlDatabase, tenant: string) => {
    const rows = await runner.query<{ preferences: string }>('SELECT preferences FROM routekit_tenant_preferences WHERE tenant = $1', [tenant]);
    return rows.length === 0 ? {} : (JSON.parse(rows[0]!.preferences) as TenantPreferences);
  };
  return {
    get: (tenant) => read(database, tenant),
    put: (tenant, preferences) =>
      database.transaction(async (transaction) => {
        const previous = await read(transaction, tenant);
        const text = JSON.stringify(preferences);
        const changed = await transaction.execute('UPDATE routekit_tenant_preferences SET preferences = $1, updated_at = $2 WHERE tenant = $3', [text, clock(), tenant]);
        if (changed === 0) {
          const conflict = transaction.dialect === 'postgres' ? ' ON CONFLICT (tenant) DO UPDATE SET preferences = EXCLUDED.preferences, updated_at = EXCLUDED.updated_at' : '';
          await transaction.execute(`INSERT ${transaction.dialect === 'sqlite' ? 'OR REPLACE ' : ''}INTO routekit_tenant_preferences (tenant, preferences, updated_at) VALUES ($1, $2, $3)${conflict}`, [tenant, text, clock()]);
        }
        return previous;
      }),
  };
}
