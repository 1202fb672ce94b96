import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closedAfterSuite, databasesUnderTest } from './sql-database-suite.js';
import { createSqlScheduleLease } from './sql-schedule-lease.js';

const run = `${process.pid}-${Date.now().toString(36)}`;
const hour = 3_600_000;
const minute = 60_000;

// Both instances of a test open the same SQLite file, as instances sharing one database do.
describe.each(databasesUnderTest('routekit-schedule-lease-', join(mkdtempSync(join(tmpdir(), 'routekit-schedule-lease-')), 'routekit.db')))('schedule lease on %s', (_name, open) => {
  const openDatabase = closedAfterSuite(open, (database) => database.execute('DELETE FROM routekit_schedule_leases WHERE name LIKE $1', [`${run}%`]));

  /** Two instances on their own connections, on one clock the test moves. */
  async function twoInstances(name: string) {
    let now = 1_000_000;
    const clock = () => now;
    const first = await createSqlScheduleLease({ database: await openDatabase(), name: `${run}-${name}`, intervalMs: hour, leaseMs: 10 * minute, holder: 'first', now: clock });
    const second = await createSqlScheduleLease({ database: await openDatabase(), name: `${run}-${name}`, intervalMs: hour, leaseMs: 10 * minute, holder: 'second', now: clock });
    return { first, second, advance: (ms: number) => void (now += ms) };
  }

  it('lets exactly one instance run once per interval, the first one interval after start', async () => {
    const { first, second, advance } = await twoInstances('once');
    expect(await Promise.all([first.claim(), second.claim()])).toEqual([false, false]);
    advance(hour);
    const claims = await Promise.all([first.claim(), second.claim()]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const [winner, loser] = claims[0] ? [first, second] : [second, first];
    // While the winner runs, and after it is done within the same interval, nobody else runs.
    expect(await loser.claim()).toBe(false);
    expect(await winner.renew()).toBe(true);
    await winner.release('done');
    expect(await Promise.all([first.claim(), second.claim()])).toEqual([false, false]);
    advance(hour - 1);
    expect(await Promise.all([first.claim(), second.claim()])).toEqual([false, false]);
    advance(1);
    expect((await Promise.all([first.claim(), second.claim()])).filter(Boolean)).toHaveLength(1);
  });

  it('gives a dead holder’s run to another instance when its lease expires, and the late holder cannot renew', async () => {
    const { first, second, advance } = await twoInstances('expiry');
    advance(hour);
    expect(await first.claim()).toBe(true);
    // The first instance dies: no renewals, no release.
    advance(10 * minute - 1);
    expect(await second.claim()).toBe(false);
    advance(1);
    expect(await second.claim()).toBe(true);
    expect(await first.renew()).toBe(false);
    // The late holder's release touches nothing: the second still holds it.
    await first.release('done');
    expect(await second.renew()).toBe(true);
  });

  it('leaves an abandoned run due, so another instance runs it at once', async () => {
    const { first, second, advance } = await twoInstances('abandoned');
    advance(hour);
    expect(await first.claim()).toBe(true);
    await first.release('abandoned');
    expect(await second.claim()).toBe(true);
  });
});
