import { learnedRouterVersion, parseRouterFile, shippedRouterVersion, type ActiveRouter, type RouterFile } from '@routekit/core';
import { migrate, type Migration } from './migrate.js';
import type { SqlDatabase } from './sql-database.js';

/**
 * Learned routers and which one is in charge. `routekit_routers` holds every trained version (the
 * file and what the guard measured); `routekit_router_activations` is append-only, one row per
 * promotion or rollback, so the router in charge is the newest activation and history is kept.
 * A null version is the shipped router.
 */
export const routerRegistryMigrations: readonly Migration[] = [
  {
    id: '0202-routers',
    sqlite: `CREATE TABLE IF NOT EXISTS routekit_routers (
      version INTEGER PRIMARY KEY AUTOINCREMENT, router TEXT NOT NULL, created_at INTEGER NOT NULL, file TEXT NOT NULL, report TEXT NOT NULL, retired_at INTEGER);
      CREATE TABLE IF NOT EXISTS routekit_router_activations (
      sequence INTEGER PRIMARY KEY AUTOINCREMENT, router TEXT NOT NULL, version INTEGER, at INTEGER NOT NULL, reason TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_router_activations_router ON routekit_router_activations (router, sequence);`,
    postgres: `CREATE TABLE IF NOT EXISTS routekit_routers (
      version BIGSERIAL PRIMARY KEY, router TEXT NOT NULL, created_at BIGINT NOT NULL, file TEXT NOT NULL, report TEXT NOT NULL, retired_at BIGINT);
      CREATE TABLE IF NOT EXISTS routekit_router_activations (
      sequence BIGSERIAL PRIMARY KEY, router TEXT NOT NULL, version BIGINT, at BIGINT NOT NULL, reason TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS routekit_router_activations_router ON routekit_router_activations (router, sequence);`,
  },
];

/** One stored router version, as `routekit routers list` shows it. */
export interface RouterVersion {
  version: number;
  /** `learned-v<N>`, as receipts name it. */
  name: string;
  created_at: string;
  /** What the guard measured when it was trained (APGR, cost at 95%, intervals, outcomes). */
  report: Record<string, unknown>;
  active: boolean;
  /** Set when a rollback took it out of charge. */
  retired_at: string | null;
}

export interface RouterRegistry {
  /** Stores a trained router; it is not in charge until promoted. Returns its version. */
  add(file: RouterFile, report: Record<string, unknown>): Promise<number>;
  /** Puts a version in charge (`null`: the shipped router), for every instance at its next poll. */
  promote(version: number | null, reason?: string): Promise<void>;
  /** Takes the version in charge out (retired) and puts back the one before it that is not retired. Returns the version now in charge. */
  rollback(reason?: string): Promise<number | null>;
  /** The version in charge (null: the shipped router) and its file. */
  active(): Promise<{ version: number | null; file?: RouterFile }>;
  /** Every version, newest first. */
  list(): Promise<RouterVersion[]>;
  /** The file of one version; throws for an unknown one. */
  file(version: number): Promise<RouterFile>;
  /**
   * Keeps an `ActiveRouter` on the version in charge: reads it now, then every `intervalMs`
   * (default 30 s). A failed read keeps the current router and is reported to `onError`.
   */
  watch(active: ActiveRouter, options?: { intervalMs?: number; onChange?: (version: string) => void; onError?: (error: unknown) => void }): Promise<RouterWatch>;
}

export interface RouterWatch {
  /** Reads the version in charge now. */
  refresh(): Promise<void>;
  stop(): void;
}

/**
 * The learned routers of a deployment on its SQL database. `router` names the registry (default
 * `default`, the router learned routers stand in for), so several can share one database.
 *
 * @example
 * const registry = await createSqlRouterRegistry({ database });
 * const watch = await registry.watch(active, { intervalMs: 30_000 });
 */
export async function createSqlRouterRegistry(options: { database: SqlDatabase; router?: string; now?: () => number }): Promise<RouterRegistry> {
  const { database } = options;
  const router = options.router ?? 'default';
  const clock = options.now ?? Date.now;
  await migrate(database, routerRegistryMigrations);

  const activation = async (): Promise<number | null> => {
    const [row] = await database.query<{ version: number | string | null }>('SELECT version FROM routekit_router_activations WHERE router = $1 ORDER BY sequence DESC LIMIT 1', [router]);
    return row === undefined || row.version === null ? null : Number(row.version);
  };
  const fileOf = async (version: number): Promise<RouterFile> => {
    const [row] = await database.query<{ file: string }>('SELECT file FROM routekit_routers WHERE router = $1 AND version = $2', [router, version]);
    if (row === undefined) throw new Error(`No router version ${version}.`);
    return parseRouterFile(JSON.parse(row.file));
  };
  const activate = (version: number | null, reason: string) => database.execute('INSERT INTO routekit_router_activations (router, version, at, reason) VALUES ($1, $2, $3, $4)', [router, version, clock(), reason]);

  const registry: RouterRegistry = {
    async add(file, report) {
      const [row] = await database.query<{ version: number | string }>('INSERT INTO routekit_routers (router, created_at, file, report) VALUES ($1, $2, $3, $4) RETURNING version', [router, clock(), JSON.stringify(parseRouterFile(file)), JSON.stringify(report)]);
      return Number(row!.version);
    },
    async promote(version, reason = 'promoted') {
      if (version !== null) {
        await fileOf(version);
        await database.execute('UPDATE routekit_routers SET retired_at = NULL WHERE router = $1 AND version = $2', [router, version]);
      }
      await activate(version, reason);
    },
    async rollback(reason = 'rolled back') {
      return database.transaction(async (transaction) => {
        const rows = await transaction.query<{ version: number | string | null }>('SELECT version FROM routekit_router_activations WHERE router = $1 ORDER BY sequence DESC', [router]);
        const current = rows.length === 0 || rows[0]!.version === null ? null : Number(rows[0]!.version);
        if (current === null) throw new Error('The shipped router is in charge; there is nothing to roll back.');
        await transaction.execute('UPDATE routekit_routers SET retired_at = $1 WHERE router = $2 AND version = $3', [clock(), router, current]);
        const retired = new Set((await transaction.query<{ version: number | string }>('SELECT version FROM routekit_routers WHERE router = $1 AND retired_at IS NOT NULL', [router])).map((row) => Number(row.version)));
        const previous = rows.map((row) => (row.version === null ? null : Number(row.version))).find((version) => version === null || !retired.has(version)) ?? null;
        await transaction.execute('INSERT INTO routekit_router_activations (router, version, at, reason) VALUES ($1, $2, $3, $4)', [router, previous, clock(), reason]);
        return previous;
      });
    },
    async active() {
      const version = await activation();
      return version === null ? { version } : { version, file: await fileOf(version) };
    },
    async list() {
      const current = await activation();
      const rows = await database.query<{ version: number | string; created_at: number | string; report: string; retired_at: number | string | null }>('SELECT version, created_at, report, retired_at FROM routekit_routers WHERE router = $1 ORDER BY version DESC', [router]);
      return rows.map((row) => ({
        version: Number(row.version),
        name: learnedRouterVersion(Number(row.version)),
        created_at: new Date(Number(row.created_at)).toISOString(),
        report: JSON.parse(row.report) as Record<string, unknown>,
        active: Number(row.version) === current,
        retired_at: row.retired_at === null ? null : new Date(Number(row.retired_at)).toISOString(),
      }));
    },
    file: fileOf,
    async watch(active, watchOptions = {}) {
      const refresh = async () => {
        const version = await activation();
        if (version === active.versionNumber) return;
        active.use(version, version === null ? undefined : await fileOf(version));
        watchOptions.onChange?.(version === null ? shippedRouterVersion : learnedRouterVersion(version));
      };
      await refresh();
      const timer = setInterval(() => void refresh().catch((error: unknown) => watchOptions.onError?.(error)), watchOptions.intervalMs ?? 30_000);
      timer.unref();
      return { refresh, stop: () => clearInterval(timer) };
    },
  };
  return registry;
}
