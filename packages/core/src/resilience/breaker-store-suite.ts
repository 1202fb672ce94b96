import { describe, expect, it } from 'vitest';
import type { BreakerSettings, BreakerStore } from './breaker-store.js';

const settings: BreakerSettings = { bucketMs: 1000, buckets: 10, minimumCalls: 4, failureRateThreshold: 0.5, slowCallRateThreshold: 0.75, openMs: 5000, halfOpenProbes: 2, consecutiveTimeouts: 3 };
const ok = { failed: false, slow: false, probe: false };
const failed = { failed: true, slow: false, probe: false };
const slow = { failed: false, slow: true, probe: false };
const timedOut = { failed: true, slow: false, probe: false, timedOut: true };

/**
 * The behaviour every breaker store must have; memory-breaker-store.test.ts and
 * redis-breaker-store.test.ts run it. `endpoint` gives a fresh endpoint name per test.
 */
export function breakerStoreSuite(name: string, createStore: () => BreakerStore | Promise<BreakerStore>, endpoint: () => string): void {
  describe(`${name} (breaker store suite)`, () => {
    it('stays closed below the minimum number of calls, however many fail', async () => {
      const store = await createStore();
      const target = endpoint();
      for (let call = 0; call < 3; call += 1) expect((await store.record(target, failed, 1000, settings)).state).toBe('closed');
      expect((await store.admit(target, 1000, settings)).allowed).toBe(true);
    });

    it('opens at the failure-rate threshold and refuses calls until the cool-down ends', async () => {
      const store = await createStore();
      const target = endpoint();
      await store.record(target, ok, 1000, settings);
      await store.record(target, ok, 1000, settings);
      await store.record(target, failed, 1000, settings);
      const view = await store.record(target, failed, 1000, settings);
      expect(view).toEqual({ state: 'open', openUntil: 6000 });
      expect(await store.admit(target, 5999, settings)).toEqual({ allowed: false, probe: false, state: 'open' });
      expect(await store.views([target, endpoint()], 5999, settings)).toEqual([{ state: 'open', openUntil: 6000 }, { state: 'closed', openUntil: null }]);
    });

    it('opens at the slow-call threshold', async () => {
      const store = await createStore();
      const target = endpoint();
      for (const outcome of [slow, slow, ok]) await store.record(target, outcome, 1000, settings);
      expect((await store.record(target, ok, 1000, settings)).state).toBe('closed');
      const other = endpoint();
      for (const outcome of [slow, slow, slow]) await store.record(other, outcome, 1000, settings);
      expect((await store.record(other, ok, 1000, settings)).state).toBe('open');
    });

    it('opens after consecutiveTimeouts timeouts in a row, below the minimum number of calls', async () => {
      const store = await createStore();
      const target = endpoint();
      expect((await store.record(target, timedOut, 1000, settings)).state).toBe('closed');
      expect((await store.record(target, timedOut, 1000, settings)).state).toBe('closed');
      expect(await store.record(target, timedOut, 1000, settings)).toEqual({ state: 'open', openUntil: 6000 });
      expect((await store.admit(target, 1001, settings)).allowed).toBe(false);
    });

    it('restarts the count of timeouts in a row at any other outcome, and can be turned off', async () => {
      const store = await createStore();
      const target = endpoint();
      // Spread over the window so that the rates never reach minimumCalls in one bucket range.
      for (const outcome of [timedOut, timedOut, ok, timedOut, timedOut]) expect((await store.record(target, outcome, 1000, { ...settings, minimumCalls: 100 })).state).toBe('closed');
      const other = endpoint();
      for (let call = 0; call < 5; call += 1) expect((await store.record(other, timedOut, 1000, { ...settings, minimumCalls: 100, consecutiveTimeouts: 0 })).state).toBe('closed');
    });

    it('forgets calls that slid out of the window', async () => {
      const store = await createStore();
      const target = endpoint();
      for (let call = 0; call < 3; call += 1) await store.record(target, failed, 1000, settings);
      // Ten buckets of one second later, the old failures no longer count.
      expect((await store.record(target, failed, 11_500, settings)).state).toBe('closed');
      for (const outcome of [ok, ok]) await store.record(target, outcome, 11_600, settings);
      expect((await store.record(target, failed, 11_700, settings)).state).toBe('open');
    });

    it('half-opens after the cool-down with a bounded number of probes, and closes on a successful probe', async () => {
      const store = await createStore();
      const target = endpoint();
      for (let call = 0; call < 4; call += 1) await store.record(target, failed, 1000, settings);
      expect(await store.views([target], 6000, settings)).toEqual([{ state: 'half_open', openUntil: null }]);
      expect(await store.admit(target, 6000, settings)).toEqual({ allowed: true, probe: true, state: 'half_open' });
      expect(await store.admit(target, 6001, settings)).toEqual({ allowed: true, probe: true, state: 'half_open' });
      expect(await store.admit(target, 6002, settings)).toEqual({ allowed: false, probe: false, state: 'half_open' });
      // A late result of a call admitted before the circuit opened does not close it.
      expect((await store.record(target, ok, 6003, settings)).state).toBe('half_open');
      expect((await store.record(target, { ...ok, probe: true }, 6004, settings)).state).toBe('closed');
      expect(await store.admit(target, 6005, settings)).toEqual({ allowed: true, probe: false, state: 'closed' });
      // Closing starts a fresh window: one failure does not reopen it.
      expect((await store.record(target, failed, 6006, settings)).state).toBe('closed');
    });

    it('reopens for another cool-down when a probe fails, or is slow', async () => {
      const store = await createStore();
      const target = endpoint();
      for (let call = 0; call < 4; call += 1) await store.record(target, failed, 1000, settings);
      await store.admit(target, 6000, settings);
      expect(await store.record(target, { ...failed, probe: true }, 6100, settings)).toEqual({ state: 'open', openUntil: 11_100 });
      expect((await store.admit(target, 11_000, settings)).allowed).toBe(false);
      await store.admit(target, 11_100, settings);
      expect((await store.record(target, { ...slow, probe: true }, 11_200, settings)).state).toBe('open');
    });

    it('lets new probes through when the admitted ones never report back', async () => {
      const store = await createStore();
      const target = endpoint();
      for (let call = 0; call < 4; call += 1) await store.record(target, failed, 1000, settings);
      await store.admit(target, 6000, settings);
      await store.admit(target, 6000, settings);
      expect((await store.admit(target, 10_999, settings)).allowed).toBe(false);
      expect(await store.admit(target, 11_000, settings)).toEqual({ allowed: true, probe: true, state: 'half_open' });
    });

    it('never admits more probes than allowed to concurrent callers', async () => {
      const store = await createStore();
      const target = endpoint();
      for (let call = 0; call < 4; call += 1) await store.record(target, failed, 1000, settings);
      const admissions = await Promise.all(Array.from({ length: 20 }, () => store.admit(target, 7000, settings)));
      expect(admissions.filter((admission) => admission.allowed)).toHaveLength(2);
    });
  });
}
