import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openPostgresDatabase, openSqliteDatabase } from '@routekit/operations';
import { seedScoredOutcomes } from '../../../packages/operations/src/learning/scored-outcomes-suite.js';
import { closedAfterSuite, testPostgresConnection } from '../../../packages/operations/src/storage/sql-database-suite.js';
import { openGatewayLearning } from './gateway-learning.js';
import { startRetrainSchedule } from './retrain-schedule.js';
import { runRetrainWorker, type RetrainRun, type RetrainSummary } from './run-retrain-worker.js';

const run = `${process.pid}-${Date.now().toString(36)}`;
const hour = 3_600_000;
const summary: RetrainSummary = { scored: 400, trainedOn: 280, judgedOn: 120, champion: 'shipped', championApgr: 0.5, challengerApgr: 0.9, verdict: 'promote', reason: 'The challenger wins.', version: 1, promoted: true };

/** A retrain the test finishes by hand, to see who trains and when. */
function retrainByHand() {
  const finishers: Array<() => void> = [];
  const start = (): RetrainRun => {
    let finish!: () => void;
    let fail!: (error: Error) => void;
    const result = new Promise<RetrainSummary>((resolve, reject) => ((finish = () => resolve(summary)), (fail = reject)));
    finishers.push(finish);
    return { result, stage: new Int32Array(2), terminate: async () => fail(new Error('terminated')) };
  };
  return { start, finishers };
}

// A loaded machine: claims are database round trips.
const patiently = { timeout: 20_000, interval: 10 };
const sqliteFile = () => join(mkdtempSync(join(tmpdir(), 'routekit-retrain-')), 'routekit.db');

describe('the retraining schedule, two instances on PostgreSQL', () => {
  const openDatabase = closedAfterSuite(() => openPostgresDatabase({ connection: testPostgresConnection }), (database) => database.execute('DELETE FROM routekit_schedule_leases WHERE name LIKE $1', [`${run}%`]));

  /** Two instances with their own connections, on one clock the test moves; checks are called by hand. */
  async function twoInstances(name: string, leaseMs = 10 * 60_000) {
    let now = 5_000_000;
    const lines: string[] = [];
    const retrains = [retrainByHand(), retrainByHand()];
    const schedules = await Promise.all(retrains.map(async (retrain) => startRetrainSchedule({ database: await openDatabase(), name: `${run}-${name}`, everyMs: hour, leaseMs, checkEveryMs: 10 * hour, retrain: retrain.start, log: (line) => lines.push(line), now: () => now })));
    const started = () => retrains.map((retrain) => retrain.finishers.length);
    return { schedules, retrains, lines, started, advance: (ms: number) => void (now += ms) };
  }

  it('trains on exactly one instance per interval, one interval after the first start', async () => {
    const { schedules, retrains, lines, started, advance } = await twoInstances('one-per-interval');
    const checkBoth = () => Promise.all(schedules.map((schedule) => schedule.check()));
    await checkBoth();
    expect(started()).toEqual([0, 0]);
    advance(hour);
    // Both check at the same moment: one claims the retrain, the other sees it taken.
    const firstRound = checkBoth();
    await vi.waitFor(() => expect(started().reduce((sum, count) => sum + count)).toBe(1), patiently);
    const trainer = started()[0] === 1 ? 0 : 1;
    await schedules[1 - trainer]!.check();
    retrains[trainer]!.finishers[0]!();
    await firstRound;
    expect(lines).toEqual([expect.stringMatching(/^routekit: retrain: 400 scored outcomes, trained on 280, judged on 120 cross-fitted; APGR shipped 0\.500, challenger 0\.900; promoted learned-v1: The challenger wins\.$/)]);
    // Done within this interval: neither trains again until the next one.
    advance(hour - 1);
    await checkBoth();
    expect(started().reduce((sum, count) => sum + count)).toBe(1);
    advance(1);
    const secondRound = checkBoth();
    await vi.waitFor(() => expect(started().reduce((sum, count) => sum + count)).toBe(2), patiently);
    for (const retrain of retrains) retrain.finishers.at(-1)?.();
    await secondRound;
    await Promise.all(schedules.map((schedule) => schedule.stop()));
  });

  it('lets another instance train when the trainer dies, once its lease expires', async () => {
    const { schedules, started, advance } = await twoInstances('dead-holder', 10 * 60_000);
    const [first, second] = schedules as [typeof schedules[0], typeof schedules[0]];
    advance(hour);
    // The first instance claims and then dies: it never renews nor releases (its renewal timer,
    // a third of a 10-minute lease in real time, does not fire during the test).
    void first.check();
    await vi.waitFor(() => expect(started()).toEqual([1, 0]), patiently);
    advance(10 * 60_000 - 1);
    await second.check();
    expect(started()).toEqual([1, 0]);
    advance(1);
    const taken = second.check();
    await vi.waitFor(() => expect(started()).toEqual([1, 1]), patiently);
    await second.stop();
    await taken;
    await first.stop();
  });

  it('releases the lease when stopped mid-retrain, so another instance trains at once', async () => {
    const { schedules, started, advance } = await twoInstances('shutdown');
    advance(hour);
    const running = schedules[0]!.check();
    await vi.waitFor(() => expect(started()).toEqual([1, 0]), patiently);
    await schedules[0]!.stop();
    await running;
    const taken = schedules[1]!.check();
    await vi.waitFor(() => expect(started()).toEqual([1, 1]), patiently);
    await schedules[1]!.stop();
    await taken;
  });

  it('starts no retrain when stopped while claiming one, and gives the claim back', async () => {
    const { schedules, started, advance } = await twoInstances('stopped-while-claiming');
    advance(hour);
    const claiming = schedules[0]!.check();
    await schedules[0]!.stop();
    await claiming;
    expect(started()).toEqual([0, 0]);
    const taken = schedules[1]!.check();
    await vi.waitFor(() => expect(started()).toEqual([0, 1]), patiently);
    await schedules[1]!.stop();
    await taken;
  });
});

describe('the retraining worker', () => {
  it('trains while the serving thread keeps running: its timers fire with training under way', async () => {
    const file = sqliteFile();
    const database = openSqliteDatabase({ path: file });
    await seedScoredOutcomes(database);
    // The worker holds at the start of training until this thread lets it go: if training ran on
    // this thread, nothing here would run until it finished.
    const retrain = runRetrainWorker({ sqlite: file }, { hold: true });
    let settled = false;
    void retrain.result.finally(() => (settled = true)).catch(() => {});
    await vi.waitFor(() => expect(Atomics.load(retrain.stage, 0)).toBe(1), { timeout: 60_000, interval: 10 });
    const timerFired = await new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1));
    expect({ timerFired, settled }).toEqual({ timerFired: true, settled: false });
    Atomics.store(retrain.stage, 1, 0);
    Atomics.notify(retrain.stage, 1);
    expect(await retrain.result).toMatchObject({ scored: 400, champion: 'shipped', verdict: 'promote', version: 1, promoted: true });
    await database.close();
  });

  it('stops at once when terminated (a shutdown)', async () => {
    const file = sqliteFile();
    const retrain = runRetrainWorker({ sqlite: file }, { hold: true });
    await retrain.terminate();
    await expect(retrain.result).rejects.toThrow(/stopped before it finished/);
  });
});

describe('a gateway with a retraining schedule', () => {
  it('retrains on its timer in a worker, promotes a challenger that beats the router in charge and keeps one that does not', async () => {
    const file = sqliteFile();
    const database = openSqliteDatabase({ path: file });
    await seedScoredOutcomes(database);
    const lines: string[] = [];
    const learned = await openGatewayLearning(database, { log: (line) => lines.push(line), retrain: { everyMs: 50, checkEveryMs: 20, location: { sqlite: file } } });
    expect(learned.learning.router.version).toBe('shipped');
    const retrains = () => lines.filter((line) => line.startsWith('routekit: retrain'));
    await vi.waitFor(() => expect(retrains().length).toBeGreaterThanOrEqual(2), { timeout: 120_000, interval: 50 });
    await learned.close();
    const [first, second] = retrains();
    expect(first).toMatch(/^routekit: retrain: 400 scored outcomes, trained on \d+, judged on \d+ cross-fitted; APGR shipped [\d.]+, challenger [\d.]+; promoted learned-v1: /);
    // This instance follows its own promotion at once, without waiting for its poll.
    expect(lines).toContain('routekit: router in charge is now learned-v1');
    expect(second).toMatch(/; kept learned-v1 \(challenger stored as learned-v2\): /);
    // Nothing about the prompts reaches the log.
    expect(lines.join('\n')).not.toMatch(/integral|capital/i);
    await database.close();
  });
});
