import { challengeRouter, learnedRouterVersion, LinearScorer, shippedRouterVersion, shippedStrongWeakScorer, type Challenge } from '@routekit/core';
import type { SqlDatabase } from '../storage/sql-database.js';
import { createSqlOutcomeStore } from '../storage/sql-outcome-store.js';
import { createSqlRouterRegistry } from '../storage/sql-router-registry.js';

export interface RetrainOptions {
  /** Train on one tenant's outcomes only. Default every tenant's. */
  tenant?: string;
  /** The pair (catalog ids); default the two models scored most often, the dearer one strong. */
  strong?: string;
  weak?: string;
  /** Bootstrap resamples of the guard's intervals. Default 1,000. */
  resamples?: number;
  /** Train from zero weights instead of refining the shipped `lr`. */
  fromZero?: boolean;
  /** Store and promote nothing. */
  dryRun?: boolean;
  /** Who promoted, in the activation's reason (`routekit routers list`). Default `train --from-outcomes`. */
  promotedBy?: string;
  /**
   * Called when the outcomes are read and the CPU-bound training starts: a worker reports its stage
   * (and a test holds it there to show the serving thread runs meanwhile).
   */
  onTraining?: () => void;
}

export interface Retrain {
  /** Scored outcomes read from the database. */
  scored: number;
  /** The version of the router in charge when training began (`shipped` or `learned-vN`). */
  champion: string;
  challenge: Challenge;
  /** What the guard measured, as stored beside the version. */
  report: Record<string, unknown>;
  /** The version the challenger was stored as (none with `dryRun` or too little to train on). */
  version?: number;
  /** True when the challenger was stored and put in charge. */
  promoted: boolean;
}

/**
 * What `routekit train --from-outcomes` and the gateway's retraining schedule both do: read the
 * scored outcomes, fit a challenger, let the promotion guard compare it with the router in charge
 * on outcomes it did not train on, store it as a new version and promote it only when the guard
 * says so. Every instance on the database picks a promotion up at its next registry poll.
 */
export async function retrainFromOutcomes(database: SqlDatabase, options: RetrainOptions = {}): Promise<Retrain> {
  const outcomes = await createSqlOutcomeStore({ database });
  const registry = await createSqlRouterRegistry({ database });
  const rows = await outcomes.scored(options.tenant === undefined ? {} : { tenant: options.tenant });
  await outcomes.close();
  const active = await registry.active();
  const champion = active.version === null ? { version: shippedRouterVersion } : { version: learnedRouterVersion(active.version), scorer: new LinearScorer(active.file) };
  options.onTraining?.();
  const challenge = challengeRouter(rows, {
    champion,
    ...(options.strong !== undefined && { strong: options.strong }),
    ...(options.weak !== undefined && { weak: options.weak }),
    ...(options.resamples !== undefined && { resamples: options.resamples }),
    // Fine-tune the shipped lr (its strong and weak stand for the deployment's pair) unless told not to.
    ...(options.fromZero !== true && { prior: shippedStrongWeakScorer().file }),
  });
  const report = reportOf(challenge, champion.version);
  if (challenge.file === undefined || options.dryRun === true) return { scored: rows.length, champion: champion.version, challenge, report, promoted: false };
  const version = await registry.add(challenge.file, report);
  if (challenge.promote) await registry.promote(version, `${options.promotedBy ?? 'train --from-outcomes'}: ${challenge.reason}`);
  return { scored: rows.length, champion: champion.version, challenge, report, version, promoted: challenge.promote };
}

function reportOf(challenge: Challenge, champion: string): Record<string, unknown> {
  return {
    champion,
    strong: challenge.strong,
    weak: challenge.weak,
    trained_on: challenge.trainedOn,
    judged_on: challenge.outcomes,
    apgr: challenge.challenger.apgr,
    champion_apgr: challenge.champion.apgr,
    cost_at_95: challenge.challenger.costAt95,
    champion_cost_at_95: challenge.champion.costAt95,
    apgr_difference: challenge.apgrDifference,
    cost_difference: challenge.costDifference,
    guard: challenge.promote ? 'promote' : 'keep',
    reason: challenge.reason,
  };
}
