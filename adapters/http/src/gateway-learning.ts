import { ActiveRouter, type LearningOptions } from '@routekit/core';
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
