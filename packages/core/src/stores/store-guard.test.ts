import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../errors.js';
import { createMemoryCounterStore } from './memory-counter-store.js';
import { guardCounterStore } from './guard-counter-store.js';
import { createStoreGuard, type StoreGuardOptions } from './store-guard.js';

// A store that is down does not answer its ping either.
const deadPing = () => Promise.reject(new Error('connect ECONNREFUSED'));

function guarded(options: StoreGuardOptions = {}) {
  const clock = { time: 1_000_000 };
  const lines: string[] = [];
  const guard = createStoreGuard({ name: 'test store', retryAfterFailureMs: 1000, ping: deadPing, now: () => clock.time, log: (line) => lines.push(line), ...options });
  return { guard, clock, lines };
}

const later = <T>(value: T, milliseconds: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), milliseconds));

describe('store guard', () => {
  it('turns an operation that never answers, on a store that does not answer its ping, into a StoreUnavailableError', async () => {
    const { guard, lines } = guarded({ timeoutMs: 20, ping: () => new Promise(() => undefined) });
    const error = await guard.run(() => new Promise(() => undefined)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'store_unavailable', retryAfterSeconds: 1 });
    expect(lines).toEqual([expect.stringMatching(/^routekit: the test store is unavailable \(no answer within 20 ms\)/)]);
    expect(guard.available).toBe(false);
  });

  it('fails fast during an outage, lets one probe through per pause, and logs the outage and the recovery once each', async () => {
    const { guard, clock, lines } = guarded();
    let calls = 0;
    const failing = () => (calls++, Promise.reject(new Error('connect ECONNREFUSED redis://user:secret@10.0.0.1:6379')));
    for (let index = 0; index < 5; index++) await expect(guard.run(failing)).rejects.toBeInstanceOf(StoreUnavailableError);
    // Only the first call reached the store; the others failed without trying it.
    expect(calls).toBe(1);
    clock.time += 1000;
    await expect(guard.run(failing)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(calls).toBe(2);
    clock.time += 1500;
    expect(await guard.run(async () => (calls++, 'back'))).toBe('back');
    expect(guard.available).toBe(true);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('(connect ECONNREFUSED <url>)');
    expect(lines[0]).not.toContain('secret');
    expect(lines[1]).toBe('routekit: the test store answers again after 3 s; 6 operations failed meanwhile.');
  });

  it('logs an error code rather than a message that names an address', async () => {
    const { guard, lines } = guarded();
    await expect(guard.run(() => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { code: 'ECONNREFUSED' })))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(lines[0]).toContain('(ECONNREFUSED)');
    expect(lines[0]).not.toContain('6390');
  });

  it('waits for a slow answer while the store answers its ping, and calls nothing an outage', async () => {
    const { guard, lines } = guarded({ timeoutMs: 20, ping: async () => 'PONG' });
    expect(await guard.run(() => later('slow but there', 60))).toBe('slow but there');
    expect(guard.available).toBe(true);
    expect(lines).toEqual([]);
  });

  it('gives up on one answer at the longest wait without calling the store down, and hands the late answer to onLate', async () => {
    const { guard, lines } = guarded({ timeoutMs: 10, maxWaitMs: 30, ping: async () => 'PONG' });
    const late: string[] = [];
    const lateAnswer = new Promise<void>((resolve) => {
      void guard
        .run(() => later('reservation made', 80), { onLate: (value) => (late.push(value), resolve()) })
        .catch((error: unknown) => late.push(error instanceof StoreUnavailableError ? 'caller told it failed' : 'other'));
    });
    await lateAnswer;
    expect(late).toEqual(['caller told it failed', 'reservation made']);
    expect(guard.available).toBe(true);
    expect(lines).toEqual([]);
  });

  it('without a ping, calls the store down after three failures in a row, not after one', async () => {
    const { guard, lines } = guarded({ ping: undefined });
    const failing = () => Promise.reject(new Error('READONLY'));
    await expect(guard.run(failing)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(guard.run(failing)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await guard.run(async () => 'ok')).toBe('ok');
    await expect(guard.run(failing)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(guard.run(failing)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(guard.available).toBe(true);
    await expect(guard.run(failing)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(guard.available).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/unavailable \(READONLY\)/)]);
  });

  it("passes a caller's RangeError through without calling it an outage", async () => {
    const { guard, lines } = guarded();
    await expect(guard.run(() => Promise.reject(new RangeError('amount must be a safe integer')))).rejects.toBeInstanceOf(RangeError);
    expect(guard.available).toBe(true);
    expect(lines).toEqual([]);
  });

  it('guards a store of your own behind the same interface', async () => {
    const inner = createMemoryCounterStore();
    const store = guardCounterStore({ ...inner, get: () => new Promise<number>(() => undefined) }, { timeoutMs: 20, log: () => undefined });
    expect((await store.reserve([{ key: 'k', amount: 2, limit: 5, ttlMs: 60_000 }], { minimum: 1 })).granted).toBe(2);
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
