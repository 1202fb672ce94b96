import { ActiveRouter, ConfigurationError, type LearningOptions } from '@routekit/core';
import { createSqlOutcomeStore, createSqlRouterRegistry, type DurableOutcomeStore, type RouterRegistry, type RouterWatch, type SqlDatabase } from '@routekit/operations';

export interface GatewayLearning {
  /** The engine's `learning` option: outcomes on the database, the router the registry puts in charge. */
  learning: Required<LearningOptions>;
  registry: RouterRegistry;
  watch: RouterWatch;
  /** Stops polling and writes the queued outcomes; the database stays open. */
  close(): Promise<void>;
}

export interface GatewayLearningOptions {
  /** How often each instance reads which router is in charge, in ms. Default 30,000. */
  pollIntervalMs?: number;
  /** One line per router change and per failed poll (never prompt text). */
  log?: (line: string) => void;
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
  const watch = await registry.watch(router, {
    ...(options.pollIntervalMs !== undefined && { intervalMs: options.pollIntervalMs }),
    onChange: (version) => options.log?.(`routekit: router in charge is now ${version}`),
    onError: (error) => options.log?.(`routekit: could not read the router registry (${error instanceof Error ? error.message : 'unknown error'}); keeping ${router.version}`),
  });
  return {
    learning: { outcomes, router },
    registry,
    watch,
    async close() {
      watch.stop();
      await outcomes.close();
    },
  };
}

/**
 * `npm start` and `routekit serve`: learning is on when `ROUTEKIT_LEARNING` is `1`, `true` or `on`;
 * `ROUTEKIT_ROUTER_POLL_SECONDS` sets how often the registry is read (default 30).
 */
export async function learningFromEnvironment(database: SqlDatabase, environment: NodeJS.ProcessEnv = process.env, log?: (line: string) => void): Promise<GatewayLearning | undefined> {
  const switched = environment.ROUTEKIT_LEARNING?.trim().toLowerCase();
  if (switched === undefined || switched === '' || switched === '0' || switched === 'false' || switched === 'off') return undefined;
  if (!['1', 'true', 'on'].includes(switched)) throw new ConfigurationError(`ROUTEKIT_LEARNING must be 1, true or on (or 0, false, off), got ${JSON.stringify(environment.ROUTEKIT_LEARNING)}.`, { key: 'ROUTEKIT_LEARNING' });
  const poll = environment.ROUTEKIT_ROUTER_POLL_SECONDS;
  const seconds = poll === undefined ? 30 : Number(poll);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 86_400 || poll?.trim() === '') throw new ConfigurationError(`ROUTEKIT_ROUTER_POLL_SECONDS must be a number of seconds from 1 to 86400, got ${JSON.stringify(poll)}.`, { key: 'ROUTEKIT_ROUTER_POLL_SECONDS' });
  return openGatewayLearning(database, { pollIntervalMs: seconds * 1000, ...(log && { log }) });
}
