import { randomUUID } from 'node:crypto';
import { migrate, type Migration } from '../storage/migrate.js';
import type { SqlDatabase } from '../storage/sql-database.js';

/** What happened. Failed authentication is `auth.failed`; an admin API read is `admin.read`. */
export type AuditEventType =
  | 'key.created'
  | 'key.revoked'
  | 'key.rotated'
  | 'preferences.updated'
  | 'provider_key.set'
  | 'provider_key.deleted'
  | 'configuration.changed'
  | 'auth.failed'
  | 'auth.locked_out'
  | 'admin.read'
  | 'admin.denied';

/** One audit event as written: never a secret or a whole key, at most a key id. */
export interface AuditEventInput {
  type: AuditEventType;
  /** Who did it: a key id, `admin-key` for the configured admin key, `cli`, or `anonymous`. */
  actor: string;
  /** The tenant concerned, when there is one. */
  tenant?: string | null;
  /** What it was done to: a key id, a tenant, a path. */
  target?: string | null;
  /** The client address, for authentication events. */
  address?: string | null;
  /** Anything else worth keeping (a reason, changed fields); JSON, no secrets. */
  detail?: Record<string, unknown>;
}

export interface AuditEvent {
  /** Position in the log: strictly increasing, so an export can resume after the last one it saw. */
  sequence: number;
  id: string;
  time: string;
  type: AuditEventType;
  actor: string;
  tenant: string | null;
  target: string | null;
  address: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  /** Events after this sequence number. */
  after?: number;
  /** Events at or after this time (epoch ms). */
  since?: number;
  /** Events before this time (epoch ms). */
  until?: number;
  type?: AuditEventType;
  tenant?: string;
  /** At most this many. Default 1000, at most 10,000. */
  limit?: number;
  /** Newest first (e.g. the latest event of a type); oldest first by default. */
  newestFirst?: boolean;
}

/** An append-only audit log: there is no update or delete, in the API or in the SQL it runs. */
export interface AuditLog {
  append(event: AuditEventInput): Promise<AuditEvent>;
  list(query?: AuditQuery): Promise<AuditEvent[]>;
}

export const auditMigrations: readonly Migration[] = [
  {
    id: '0101-audit-events',
    sqlite: `CREATE TABLE IF NOT EXISTS routekit_audit_events (
      sequence INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, time INTEGER NOT NULL, type TEXT NOT NULL, actor TEXT NOT NULL,
      tenant TEXT, target TEXT, address TEXT, detail TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_audit_events_time ON routekit_audit_events (time);`,
    postgres: `CREATE TABLE IF NOT EXISTS routekit_audit_events (
      sequence BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, time BIGINT NOT NULL, type TEXT NOT NULL, actor TEXT NOT NULL,
      tenant TEXT, target TEXT, address TEXT, detail TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_audit_events_time ON routekit_audit_events (time);`,
  },
];

interface AuditRow {
  sequence: number | string;
  id: string;
  time: number | string;
  type: string;
  actor: string;
  tenant: string | null;
  target: string | null;
  address: string | null;
  detail: string;
}

/**
 * The audit log on SQLite or PostgreSQL (migrated on creation). Every instance appends to the same
 * table, so an export shows what every gateway and the CLI did.
 *
 * @example
 * const audit = await createSqlAuditLog({ database });
 * await audit.append({ type: 'key.revoked', actor: 'cli', target: keyId });
 */
export async function createSqlAuditLog(options: { database: SqlDatabase; now?: () => number }): Promise<AuditLog> {
  const { database } = options;
  const clock = options.now ?? Date.now;
  await migrate(database, auditMigrations);
  return {
    async append(event) {
      const id = randomUUID();
      const time = clock();
      const rows = await database.query<{ sequence: number | string }>(
        'INSERT INTO routekit_audit_events (id, time, type, actor, tenant, target, address, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING sequence',
        [id, time, event.type, event.actor, event.tenant ?? null, event.target ?? null, event.address ?? null, JSON.stringify(event.detail ?? {})],
      );
      return { sequence: Number(rows[0]!.sequence), id, time: new Date(time).toISOString(), type: event.type, actor: event.actor, tenant: event.tenant ?? null, target: event.target ?? null, address: event.address ?? null, detail: event.detail ?? {} };
    },
    async list(query = {}) {
      const conditions: string[] = [];
      const parameters: unknown[] = [];
      const where = (sql: string, value: unknown) => {
        parameters.push(value);
        conditions.push(sql.replace('?', `$${parameters.length}`));
      };
      if (query.after !== undefined) where('sequence > ?', query.after);
      if (query.since !== undefined) where('time >= ?', query.since);
      if (query.until !== undefined) where('time < ?', query.until);
      if (query.type !== undefined) where('type = ?', query.type);
      if (query.tenant !== undefined) where('tenant = ?', query.tenant);
      parameters.push(Math.min(Math.max(1, query.limit ?? 1000), 10_000));
      const rows = await database.query<AuditRow>(
        `SELECT sequence, id, time, type, actor, tenant, target, address, detail FROM routekit_audit_events ${conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`} ORDER BY sequence${query.newestFirst === true ? ' DESC' : ''} LIMIT $${parameters.length}`,
        parameters,
      );
      return rows.map((row) => ({
        sequence: Number(row.sequence),
        id: row.id,
        time: new Date(Number(row.time)).toISOString(),
        type: row.type as AuditEventType,
        actor: row.actor,
        tenant: row.tenant,
        target: row.target,
        address: row.address,
        detail: JSON.parse(row.detail) as Record<string, unknown>,
      }));
    },
  };
}

/** Events as JSON Lines: one event per line, newline-terminated, for `jq` and log pipelines. */
export function auditEventsToJsonl(events: readonly AuditEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}
