import { learnedRouterVersion } from '@routekit/core';
import { createSqlScheduleLease, type SqlDatabase } from '@routekit/operations';
import type { RetrainRun, RetrainSummary } from './run-retrain-worker.js';

export interface RetrainScheduleOptions {
  /** The serving thread's database: the lease that lets one instance train per interval lives there. */
  database: SqlDatabase;
  /** Time between retrains, in ms (from the end of one to the start of the next). */
  everyMs: number;
  /** Starts one retrain; the gateway's runs `routekit train --from-outcomes` in a worker thread. */
  retrain: () => RetrainRun;
  /** One line per retrain (counts, the guard's verdict, the version), per failure and per lost lease. */
  log?: (line: string) => void;
  /** Called after a promotion: this instance reads the registry at once instead of at its next poll. */
  onPromoted?: () => Promise<void> | void;
  /** How long a trainer holds the lease without renewing it (it renews every third of it). Default 10 minutes. */
  leaseMs?: number;
  /** How often each instance checks whether a retrain is due. Default a minute (or `everyMs`, if shorter). */
  checkEveryMs?: number;
  /** The schedule's name: instances with the same name share it. Default `retrain:default`. */
  name?: string;
  now?: () => number;
}

export interface RetrainSchedule {
  /** Trains now if a retrain is due and no other instance holds it (the timer calls this). */
  check(): Promise<void>;
  /** Stops checking; a retrain in progress is terminated and its lease released for another instance. */
  stop(): Promise<void>;
}

/**
 * The gateway's retraining schedule: every instance checks whether a retrain is due, one claims it
 * in the database (a lease that expires, so a crashed trainer gives it up), trains in a worker and
 * logs one line. A promoted router reaches every instance through the registry poll.
 */
export async function startRetrainSchedule(options: RetrainScheduleOptions): Promise<RetrainSchedule> {
  const leaseMs = options.leaseMs ?? 600_000;
  const log = options.log ?? (() => {});
  const lease = await createSqlScheduleLease({ database: options.database, name: options.name ?? 'retrain:default', intervalMs: options.everyMs, leaseMs, ...(options.now && { now: options.now }) });
  let stopped = false;
  let running: RetrainRun | undefined;

  const train = async (run: RetrainRun) => {
    let lost = false;
    const renewal = setInterval(() => {
      lease.renew().then(
        (held) => {
          if (held || stopped) return;
          // Another instance took the retrain over (this one could not renew in time): stop, so only one stores a router.
          lost = true;
          void run.terminate();
        },
        (error: unknown) => log(`routekit: retrain: could not renew the lease (${messageOf(error)})`),
      );
    }, Math.max(1, Math.floor(leaseMs / 3)));
    try {
      const summary = await run.result;
      await lease.release('done');
      log(lineOf(summary));
      if (summary.promoted) await options.onPromoted?.();
    } catch (error) {
      if (stopped) await lease.release('abandoned');
      else if (lost) log('routekit: retrain: stopped, another instance took the lease over');
      else {
        // Try again one interval later rather than at every check: a failure tends to repeat.
        await lease.release('done');
        log(`routekit: retrain failed (${messageOf(error)}); next one in ${Math.round(options.everyMs / 60_000)} min`);
      }
    } finally {
      clearInterval(renewal);
    }
  };

  // The check in progress (claiming, then training): one at a time, and what stop() waits for.
  let checking: Promise<void> | undefined;
  const claimAndTrain = async () => {
    if (!(await lease.claim())) return;
    // Stopped while claiming: give it straight back rather than start a worker during shutdown.
    if (stopped) return lease.release('abandoned');
    let run: RetrainRun;
    try {
      run = options.retrain();
    } catch (error) {
      await lease.release('done');
      throw error;
    }
    running = run;
    await train(run);
  };
  const check = async () => {
    if (stopped || checking !== undefined) return;
    checking = claimAndTrain().finally(() => {
      checking = undefined;
      running = undefined;
    });
    await checking;
  };

  const timer = setInterval(() => void check().catch((error: unknown) => log(`routekit: retrain: could not check the schedule (${messageOf(error)})`)), options.checkEveryMs ?? Math.min(options.everyMs, 60_000));
  timer.unref();
  return {
    check,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.terminate();
      // Its lease released before the database closes (a failed check was logged by the timer or thrown to its caller).
      await checking?.catch(() => {});
    },
  };
}

/** One log line per retrain: counts, verdict and versions; the guard's reason holds numbers only. */
function lineOf(summary: RetrainSummary): string {
  const apgr = summary.championApgr === undefined || summary.challengerApgr === undefined ? '' : `; APGR ${summary.champion} ${summary.championApgr.toFixed(3)}, challenger ${summary.challengerApgr.toFixed(3)}`;
  const verdict = summary.promoted ? `promoted ${learnedRouterVersion(summary.version!)}` : `kept ${summary.champion}${summary.version === null ? '' : ` (challenger stored as ${learnedRouterVersion(summary.version)})`}`;
  return `routekit: retrain: ${summary.scored} scored outcomes, trained on ${summary.trainedOn}, judged on ${summary.judgedOn} cross-fitted${apgr}; ${verdict}: ${summary.reason}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
