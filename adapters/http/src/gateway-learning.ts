import { ActiveQualityTable, ActiveRouter, ConfigurationError, type ActiveQualityTableOptions, type JudgingOptions, type LearningOptions } from '@routekit/core';
import { createSqlOutcomeStore, createSqlRouterRegistry, type DurableOutcomeStore, type RouterRegistry, type RouterWatch, type SqlDatabase } from '@routekit/operations';
import { databaseLocation, type DatabaseLocation } from './database-location.js';
import { parseDuration } from './parse-duration.js';
import { startRetrainSchedule, type RetrainSchedule } from './retrain-schedule.js';
import { runRetrainWorker } from './run-retrain-worker.js';

export interface GatewayLearning {
  /** The engine's `learning` option: outcomes on the database, the router the registry puts in charge. */
  learning: Required<Pick<LearningOptions, 'outcomes' | 'router'>> & Pick<LearningOptions, 'judging' | 'quality'>;
  registry: RouterRegistry;
  watch: RouterWatch;
  /** The retraining schedule, when one was asked for. */
  retrain?: RetrainSchedule;
  /** Stops polling and retraining (a retrain in progress is terminated, its lease released) and writes the queued outcomes; the database stays open. */
  close(): Promise<void>;
}

export interface GatewayLearningOptions {
  /** How often each instance reads which router is in charge, in ms. Default 30,000. */
  pollIntervalMs?: number;
  /** One line per router change and per failed poll (never prompt text). */
  log?: (line: string) => void;
  /** Sampled judging (opt-in tenants, its own spend cap); off when omitted. */
  judging?: JudgingOptions;
  /**
   * Retrains on the outcomes every `everyMs` (`routekit train --from-outcomes`, in a worker thread
   * that opens the database at `location` itself); one instance per interval among those sharing it.
   */
  retrain?: { everyMs: number; location: DatabaseLocation; leaseMs?: number; checkEveryMs?: number };
  /**
   * `auto`'s per-model quality learned from the outcomes, rebuilt on each instance from the database
   * at most every `refreshIntervalMs` (default here 5 minutes: a rebuild reads up to `limit` outcomes
   * with their features); `false` turns it off.
   */
  quality?: ActiveQualityTableOptions | false;
}

/**
 * Routing that learns, for a gateway on a SQL database: outcomes are stored there, and every
 * instance on the same database polls the router registry, so a router promoted by
 * `routekit train --from-outcomes` (or `routekit routers promote`) is in charge everywhere within
 * one poll interval.
 *
 * @example
 * const learned = await openGatewayLearning(database);
 * createGateway({ providers, receipts, learning: learned.learning });
 */
export async function openGatewayLearning(database: SqlDatabase, options: GatewayLearningOptions = {}): Promise<GatewayLearning> {
  const outcomes: DurableOutcomeStore = await createSqlOutcomeStore({ database });
  const registry = await createSqlRouterRegistry({ database });
  const router = new ActiveRouter();
  const quality = options.quality === false ? undefined : new ActiveQualityTable({ refreshIntervalMs: 300_000, ...options.quality, onError: (error) => options.log?.(`routekit: could not learn auto's model quality (${error instanceof Error ? error.message : 'unknown error'})`) });
  // Checked on the registry's poll; rebuilt only when older than its refresh interval.
  const refreshQuality = quality === undefined ? undefined : setInterval(() => quality.refreshSoon(outcomes), options.pollIntervalMs ?? 30_000);
  refreshQuality?.unref();
  const watch = await registry.watch(router, {
    ...(options.pollIntervalMs !== undefined && { intervalMs: options.pollIntervalMs }),
    onChange: (version) => options.log?.(`routekit: router in charge is now ${version}`),
    onError: (error) => options.log?.(`routekit: could not read the router registry (${error instanceof Error ? error.message : 'unknown error'}); keeping ${router.version}`),
  });
  const retrainOptions = options.retrain;
  const retrain = retrainOptions === undefined ? undefined : await startRetrainSchedule({
    database,
    everyMs: retrainOptions.everyMs,
    retrain: () => runRetrainWorker(retrainOptions.location),
    onPromoted: () => watch.refresh(),
    ...(options.log && { log: options.log }),
    ...(retrainOptions.leaseMs !== undefined && { leaseMs: retrainOptions.leaseMs }),
    ...(retrainOptions.checkEveryMs !== undefined && { checkEveryMs: retrainOptions.checkEveryMs }),
  });
  return {
    learning: { outcomes, router, quality: quality ?? false, ...(options.judging && { judging: options.judging }) },
    registry,
    watch,
    ...(retrain && { retrain }),
    async close() {
      watch.stop();
      await retrain?.stop();
      clearInterval(refreshQuality);
      await outcomes.close();
    },
  };
}

/**
 * `npm start` and `routekit serve`: learning is on when `ROUTEKIT_LEARNING` is `1`, `true` or `on`;
 * `ROUTEKIT_ROUTER_POLL_SECONDS` sets how often the registry is read (default 30);
 * `ROUTEKIT_RETRAIN_EVERY` (`6h`, `30m`; at least `1m`) retrains on the database the environment
 * names (`ROUTEKIT_DATABASE_URL` or `ROUTEKIT_DATABASE`, as `openReceiptStore`);
 * `ROUTEKIT_AUTO_LEARNING=off` keeps `auto` on the shipped quality prediction (its learned
 * per-model quality is on by default).
 */
export async function learningFromEnvironment(database: SqlDatabase, environment: NodeJS.ProcessEnv = process.env, log?: (line: string) => void): Promise<GatewayLearning | undefined> {
  const switched = environment.ROUTEKIT_LEARNING?.trim().toLowerCase();
  // Empty is unset, as for ROUTEKIT_JUDGE_MODEL: a template's `ROUTEKIT_RETRAIN_EVERY=` turns it off.
  const retrainEvery = environment.ROUTEKIT_RETRAIN_EVERY?.trim() === '' ? undefined : environment.ROUTEKIT_RETRAIN_EVERY;
  if (switched === undefined || switched === '' || switched === '0' || switched === 'false' || switched === 'off') {
    // Retraining learns from the outcomes only learning stores: alone it would silently do nothing.
    if (retrainEvery !== undefined) throw new ConfigurationError('ROUTEKIT_RETRAIN_EVERY needs learning on (ROUTEKIT_LEARNING=1, or learning: true in the config): retraining learns from the outcomes learning stores.', { key: 'ROUTEKIT_RETRAIN_EVERY' });
    return undefined;
  }
  if (!['1', 'true', 'on'].includes(switched)) throw new ConfigurationError(`ROUTEKIT_LEARNING must be 1, true or on (or 0, false, off), got ${JSON.stringify(environment.ROUTEKIT_LEARNING)}.`, { key: 'ROUTEKIT_LEARNING' });
  const poll = environment.ROUTEKIT_ROUTER_POLL_SECONDS;
  const seconds = poll === undefined ? 30 : Number(poll);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 86_400 || poll?.trim() === '') throw new ConfigurationError(`ROUTEKIT_ROUTER_POLL_SECONDS must be a number of seconds from 1 to 86400, got ${JSON.stringify(poll)}.`, { key: 'ROUTEKIT_ROUTER_POLL_SECONDS' });
  const judging = judgingFromEnvironment(environment, log);
  const retrain = retrainEvery === undefined ? undefined : { everyMs: parseDuration(retrainEvery, 'ROUTEKIT_RETRAIN_EVERY', 60_000), location: databaseLocation(environment) };
  // The worker opens the database itself: an in-memory one is this connection's alone.
  if (retrain !== undefined && 'sqlite' in retrain.location && retrain.location.sqlite === ':memory:') throw new ConfigurationError('ROUTEKIT_RETRAIN_EVERY needs a database file or PostgreSQL, not ROUTEKIT_DATABASE=:memory: (the retraining worker opens the database itself).', { key: 'ROUTEKIT_RETRAIN_EVERY' });
  const autoLearning = environment.ROUTEKIT_AUTO_LEARNING?.trim().toLowerCase();
  if (autoLearning !== undefined && !['1', 'true', 'on', '0', 'false', 'off'].includes(autoLearning)) throw new ConfigurationError(`ROUTEKIT_AUTO_LEARNING must be 1, true or on (or 0, false, off), got ${JSON.stringify(environment.ROUTEKIT_AUTO_LEARNING)}.`, { key: 'ROUTEKIT_AUTO_LEARNING' });
  const quality = autoLearning === '0' || autoLearning === 'false' || autoLearning === 'off' ? false : undefined;
  return openGatewayLearning(database, { pollIntervalMs: seconds * 1000, ...(log && { log }), ...(judging && { judging }), ...(retrain && { retrain }), ...(quality === false && { quality }) });
}

/**
 * Sampled judging from the environment: `ROUTEKIT_JUDGE_MODEL` (a routable catalog id) turns it on,
 * with `ROUTEKIT_JUDGE_TENANTS` (the tenants that opted in, comma-separated), `ROUTEKIT_JUDGE_SPEND_LIMIT_USD`
 * (this process's cap) and `ROUTEKIT_JUDGE_SHARE` (default 0.05).
 */
function judgingFromEnvironment(environment: NodeJS.ProcessEnv, log?: (line: string) => void): JudgingOptions | undefined {
  const judge = environment.ROUTEKIT_JUDGE_MODEL?.trim();
  if (judge === undefined || judge === '') return undefined;
  const tenants = (environment.ROUTEKIT_JUDGE_TENANTS ?? '').split(',').map((tenant) => tenant.trim()).filter((tenant) => tenant !== '');
  if (tenants.length === 0) throw new ConfigurationError('ROUTEKIT_JUDGE_MODEL needs ROUTEKIT_JUDGE_TENANTS: the tenants that opted in to judging, comma-separated.', { key: 'ROUTEKIT_JUDGE_TENANTS' });
  const limit = Number(environment.ROUTEKIT_JUDGE_SPEND_LIMIT_USD);
  if (environment.ROUTEKIT_JUDGE_SPEND_LIMIT_USD === undefined || !Number.isFinite(limit) || limit < 0) throw new ConfigurationError(`ROUTEKIT_JUDGE_MODEL needs ROUTEKIT_JUDGE_SPEND_LIMIT_USD, a number of dollars 0 or more, got ${JSON.stringify(environment.ROUTEKIT_JUDGE_SPEND_LIMIT_USD)}.`, { key: 'ROUTEKIT_JUDGE_SPEND_LIMIT_USD' });
  const share = environment.ROUTEKIT_JUDGE_SHARE === undefined ? 0.05 : Number(environment.ROUTEKIT_JUDGE_SHARE);
  if (!(share >= 0 && share <= 1)) throw new ConfigurationError(`ROUTEKIT_JUDGE_SHARE must be a share from 0 to 1, got ${JSON.stringify(environment.ROUTEKIT_JUDGE_SHARE)}.`, { key: 'ROUTEKIT_JUDGE_SHARE' });
  return { judge, tenants, spendLimitUsd: limit, share, ...(log && { onError: (error: unknown) => log(`routekit: a judgement failed (${error instanceof Error ? error.message : 'unknown error'})`) }) };
}
