import { writeFile } from 'node:fs/promises';
import { learnedRouterVersion } from '@routekit/core';
import { retrainFromOutcomes } from '@routekit/operations';
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
    const retrain = await retrainFromOutcomes(database, {
      ...(values.tenant !== undefined && { tenant: values.tenant }),
      ...(values.strong !== undefined && { strong: values.strong }),
      ...(values.weak !== undefined && { weak: values.weak }),
      ...(resamples !== undefined && { resamples }),
      fromZero: values['from-zero'] === true,
      dryRun: values['dry-run'] === true,
    });
    const { challenge, version: stored } = retrain;
    if (challenge.file !== undefined && values.out !== undefined) await writeFile(values.out, `${JSON.stringify(challenge.file)}\n`);
    if (values.json === true) {
      process.stdout.write(`${JSON.stringify({ ...retrain.report, version: stored ?? null, promoted: retrain.promoted })}\n`);
      return 0;
    }
    process.stdout.write(`${retrain.scored} scored outcomes; pair ${challenge.strong} (strong) / ${challenge.weak} (weak); trained on ${challenge.trainedOn}, judged on ${challenge.outcomes} cross-fitted\n`);
    if (challenge.file !== undefined) {
      process.stdout.write(`champion ${retrain.champion}: APGR ${challenge.champion.apgr.toFixed(3)}, cost at 95% of strong quality ${percent(challenge.champion.costAt95)}\n`);
      process.stdout.write(`challenger: APGR ${challenge.challenger.apgr.toFixed(3)}, cost at 95% of strong quality ${percent(challenge.challenger.costAt95)}\n`);
    }
    process.stdout.write(`${challenge.reason}\n`);
    if (stored !== undefined) process.stdout.write(retrain.promoted ? `promoted ${learnedRouterVersion(stored)}: every instance on this database uses it at its next poll\n` : `stored as ${learnedRouterVersion(stored)} (not in charge; \`routekit routers promote ${stored}\` overrides the guard)\n`);
    return 0;
  });
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
