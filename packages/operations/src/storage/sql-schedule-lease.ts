import { randomUUID } from 'node:crypto';
import { migrate, type Migration } from './migrate.js';
import type { SqlDatabase } from './sql-database.js';

/**
 * One row per scheduled job shared by every instance on the database: who runs it now (`holder`,
 * until `expires_at`) and when the next run is due (`due_at`). A lease with an expiry rather than
 * a session lock (PostgreSQL's advisory locks) so that it works the same on SQLite, and so that an
 * instance that dies mid-run gives the job up when its lease runs out instead of holding it while
 * its connection lingers.
 */
export const scheduleLeaseMigrations: readonly Migration[] = [
  {
    id: '0203-schedule-leases',
    sqlite: 'CREATE TABLE IF NOT EXISTS routekit_schedule_leases (name TEXT PRIMARY KEY, holder TEXT, expires_at INTEGER NOT NULL, due_at INTEGER NOT NULL)',
    postgres: 'CREATE TABLE IF NOT EXISTS routekit_schedule_leases (name TEXT PRIMARY KEY, holder TEXT, expires_at BIGINT NOT NULL, due_at BIGINT NOT NULL)',
  },
];

export interface ScheduleLeaseOptions {
  database: SqlDatabase;
  /** The job, e.g. `retrain:default`; instances with the same name share one schedule. */
  name: string;
  /** Time between runs, in ms: the first is due one interval after the first instance started. */
  intervalMs: number;
  /** How long a claim lasts without `renew`, in ms: the longest a dead holder keeps the job. */
  leaseMs: number;
  /** This instance's id in the row (default a random one). */
  holder?: string;
  now?: () => number;
}

export interface ScheduleLease {
  readonly holder: string;
  /** Takes this run when it is due and no live holder has it: true for exactly one instance per run. */
  claim(): Promise<boolean>;
  /** Extends this instance's claim by `leaseMs`; false when it ran out and another instance took the job since. */
  renew(): Promise<boolean>;
  /**
   * Gives the claim up: `done` makes the next run due one interval from now; `abandoned` (a
   * shutdown mid-run) leaves it due, so another instance runs it at its next check.
   */
  release(outcome: 'done' | 'abandoned'): Promise<void>;
}

/**
 * A scheduled job that one instance at a time runs, once per interval, however many instances
 * share the database. Claims are one conditional UPDATE, so two instances checking at the same
 * moment cannot both win (PostgreSQL re-checks the condition on the row the winner committed;
 * SQLite has one writer).
 *
 * @example
 * const lease = await createSqlScheduleLease({ database, name: 'retrain:default', intervalMs: 6 * 3_600_000, leaseMs: 600_000 });
 * if (await lease.claim()) try { await work(); } finally { await lease.release('done'); }
 */
export async function createSqlScheduleLease(options: ScheduleLeaseOptions): Promise<ScheduleLease> {
  const { database, name, intervalMs, leaseMs } = options;
  const holder = options.holder ?? randomUUID();
  const clock = options.now ?? Date.now;
  await migrate(database, scheduleLeaseMigrations);
  // The first instance sets when the first run is due; later ones (and restarts) keep it.
  await database.execute('INSERT INTO routekit_schedule_leases (name, holder, expires_at, due_at) VALUES ($1, NULL, 0, $2) ON CONFLICT (name) DO NOTHING', [name, clock() + intervalMs]);
  return {
    holder,
    async claim() {
      const now = clock();
      return (await database.execute('UPDATE routekit_schedule_leases SET holder = $2, expires_at = $3 WHERE name = $1 AND due_at <= $4 AND expires_at <= $4', [name, holder, now + leaseMs, now])) === 1;
    },
    async renew() {
      // Still the holder: nobody else claimed it, even if the lease ran out meanwhile.
      return (await database.execute('UPDATE routekit_schedule_leases SET expires_at = $3 WHERE name = $1 AND holder = $2', [name, holder, clock() + leaseMs])) === 1;
    },
    async release(outcome) {
      const now = clock();
      if (outcome === 'done') await database.execute('UPDATE routekit_schedule_leases SET holder = NULL, expires_at = 0, due_at = $3 WHERE name = $1 AND holder = $2', [name, holder, now + intervalMs]);
      else await database.execute('UPDATE routekit_schedule_leases SET holder = NULL, expires_at = 0 WHERE name = $1 AND holder = $2', [name, holder]);
    },
  };
}
