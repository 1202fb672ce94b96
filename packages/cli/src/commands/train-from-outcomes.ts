import { writeFile } from 'node:fs/promises';
import { challengeRouter, learnedRouterVersion, LinearScorer, shippedRouterVersion, shippedStrongWeakScorer, type Challenge } from '@routekit/core';
import { createSqlOutcomeStore, createSqlRouterRegistry } from '@routekit/operations';
import { numberFlag } from '../parse-command-line.js';
import { withDatabase } from './keys.js';

export interface FromOutcomesArguments {
  database?: string;
  strong?: string;
  weak?: string;
  tenant?: string;
  out?: string;
  'dry-run'?: boolean;
  resamples?: string;
  json?: boolean;
  'from-zero'?: boolean;
}

/**
 * `routekit train --from-outcomes`: fits a challenger on the deployment's outcomes, lets the
 * promotion guard compare it with the router in charge on outcomes it did not train on, stores it
 * as a new version, and promotes it only when the guard says so (never with --dry-run). Every
 * instance on the database picks the promoted router up at its next poll.
 */
export async function trainFromOutcomes(values: FromOutcomesArguments): Promise<number> {
  const resamples = values.resamples === undefined ? undefined : numberFlag('--resamples', values.resamples, { integer: true, minimum: 100, maximum: 100_000, expected: 'a whole number of bootstrap resamples, 100-100000' });
  return withDatabase(values.database, async (database) => {
    const outcomes = await createSqlOutcomeStore({ database });
    const registry = await createSqlRouterRegistry({ database });
    const rows = await outcomes.scored(values.tenant === undefined ? {} : { tenant: values.tenant });
    await outcomes.close();
    const active = await registry.active();
    const champion = active.version === null ? { version: shippedRouterVersion } : { version: learnedRouterVersion(active.version), scorer: new LinearScorer(active.file) };
    const challenge = challengeRouter(rows, {
      champion,
      ...(values.strong !== undefined && { strong: values.strong }),
      ...(values.weak !== undefined && { weak: values.weak }),
      ...(resamples !== undefined && { resamples }),
      // Fine-tune the shipped lr (its strong and weak stand for the deployment's pair) unless told not to.
      ...(values['from-zero'] !== true && { prior: shippedStrongWeakScorer().file }),
    });
    let stored: number | undefined;
    if (challenge.file !== undefined && values['dry-run'] !== true) {
      stored = await registry.add(challenge.file, reportOf(challenge, champion.version));
      if (challenge.promote) await registry.promote(stored, `train --from-outcomes: ${challenge.reason}`);
    }
    if (challenge.file !== undefined && values.out !== undefined) await writeFile(values.out, `${JSON.stringify(challenge.file)}\n`);
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify({ ...reportOf(challenge, champion.version), version: stored ?? null, promoted: challenge.promote && stored !== undefined })}\n`);
      return 0;
    }
    process.stdout.write(`${rows.length} scored outcomes; pair ${challenge.strong} (strong) / ${challenge.weak} (weak); trained on ${challenge.trainedOn}, judged on ${challenge.outcomes} held back\n`);
    if (challenge.file !== undefined) {
      process.stdout.write(`champion ${champion.version}: APGR ${challenge.champion.apgr.toFixed(3)}, cost at 95% of strong quality ${percent(challenge.champion.costAt95)}\n`);
      process.stdout.write(`challenger: APGR ${challenge.challenger.apgr.toFixed(3)}, cost at 95% of strong quality ${percent(challenge.challenger.costAt95)}\n`);
    }
    process.stdout.write(`${challenge.reason}\n`);
    if (stored !== undefined) process.stdout.write(challenge.promote ? `promoted ${learnedRouterVersion(stored)}: every instance on this database uses it at its next poll\n` : `stored as ${learnedRouterVersion(stored)} (not in charge; \`routekit routers promote ${stored}\` overrides the guard)\n`);
    return 0;
  });
}

function reportOf(challenge: Challenge, champion: string): Record<string, unknown> {
  return {
    champion,
    strong: challenge.strong,
    weak: challenge.weak,
    trained_on: challenge.trainedOn,
    held_out: challenge.outcomes,
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

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
