import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openSqliteDatabase } from '@routekit/operations';
import { learningFromEnvironment, openGatewayLearning } from './gateway-learning.js';
import { parseDuration } from './parse-duration.js';

const database = () => openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-gateway-learning-')), 'routekit.db') });

describe('learningFromEnvironment', () => {
  it('is off unless ROUTEKIT_LEARNING turns it on, and names a bad value', async () => {
    const opened = database();
    expect(await learningFromEnvironment(opened, {})).toBeUndefined();
    expect(await learningFromEnvironment(opened, { ROUTEKIT_LEARNING: 'off' })).toBeUndefined();
    await expect(learningFromEnvironment(opened, { ROUTEKIT_LEARNING: 'yes please' })).rejects.toMatchObject({ key: 'ROUTEKIT_LEARNING' });
    await expect(learningFromEnvironment(opened, { ROUTEKIT_LEARNING: '1', ROUTEKIT_ROUTER_POLL_SECONDS: '0' })).rejects.toMatchObject({ key: 'ROUTEKIT_ROUTER_POLL_SECONDS' });
    await opened.close();
  });

  it('opens outcomes and the registry on the database, with judging only when fully configured', async () => {
    const opened = database();
    const learned = await learningFromEnvironment(opened, { ROUTEKIT_LEARNING: 'true', ROUTEKIT_ROUTER_POLL_SECONDS: '5' });
    expect(learned?.learning.router.version).toBe('shipped');
    expect(learned?.learning.judging).toBeUndefined();
    await learned?.close();
    await expect(learningFromEnvironment(opened, { ROUTEKIT_LEARNING: '1', ROUTEKIT_JUDGE_MODEL: 'openai/gpt-4.1', ROUTEKIT_JUDGE_SPEND_LIMIT_USD: '5' })).rejects.toMatchObject({ key: 'ROUTEKIT_JUDGE_TENANTS' });
    await expect(learningFromEnvironment(opened, { ROUTEKIT_LEARNING: '1', ROUTEKIT_JUDGE_MODEL: 'openai/gpt-4.1', ROUTEKIT_JUDGE_TENANTS: 'acme' })).rejects.toMatchObject({ key: 'ROUTEKIT_JUDGE_SPEND_LIMIT_USD' });
    const judged = await learningFromEnvironment(opened, { ROUTEKIT_LEARNING: '1', ROUTEKIT_JUDGE_MODEL: 'openai/gpt-4.1', ROUTEKIT_JUDGE_TENANTS: 'acme, globex', ROUTEKIT_JUDGE_SPEND_LIMIT_USD: '5' });
    expect(judged?.learning.judging).toMatchObject({ judge: 'openai/gpt-4.1', tenants: ['acme', 'globex'], spendLimitUsd: 5, share: 0.05 });
    await judged?.close();
    await opened.close();
  });

  it('retrains on a schedule only with learning on, every ROUTEKIT_RETRAIN_EVERY, and names a bad value', async () => {
    const opened = database();
    await expect(learningFromEnvironment(opened, { ROUTEKIT_RETRAIN_EVERY: '6h' })).rejects.toThrow(/^ROUTEKIT_RETRAIN_EVERY needs learning on/);
    await expect(learningFromEnvironment(opened, { ROUTEKIT_LEARNING: 'off', ROUTEKIT_RETRAIN_EVERY: '6h' })).rejects.toMatchObject({ key: 'ROUTEKIT_RETRAIN_EVERY' });
    for (const bad of ['6', '6 hours', '1.5h', '30m1h', '-1h', '30s', '400d', 'h']) {
      await expect(learningFromEnvironment(opened, { ROUTEKIT_LEARNING: '1', ROUTEKIT_RETRAIN_EVERY: bad }), bad).rejects.toMatchObject({ key: 'ROUTEKIT_RETRAIN_EVERY', message: expect.stringMatching(/^ROUTEKIT_RETRAIN_EVERY must be a duration such as 6h, 30m or 1h30m \(d, h, m, s\), from 1m to 365d, got "/) });
    }
    await expect(learningFromEnvironment(opened, { ROUTEKIT_LEARNING: '1', ROUTEKIT_RETRAIN_EVERY: '6h', ROUTEKIT_DATABASE: ':memory:' })).rejects.toThrow(/needs a database file or PostgreSQL/);
    const scheduled = await learningFromEnvironment(opened, { ROUTEKIT_LEARNING: '1', ROUTEKIT_RETRAIN_EVERY: '1h30m', ROUTEKIT_DATABASE: join(mkdtempSync(join(tmpdir(), 'routekit-gateway-learning-')), 'routekit.db') });
    expect(scheduled?.retrain).toBeDefined();
    await scheduled?.close();
    for (const unset of [{}, { ROUTEKIT_RETRAIN_EVERY: ' ' }]) {
      const learned = await learningFromEnvironment(opened, { ROUTEKIT_LEARNING: '1', ...unset });
      expect(learned?.retrain).toBeUndefined();
      await learned?.close();
    }
    await opened.close();
  });

  it("rebuilds auto's quality table from the database on the registry's poll, and not when it is off", async () => {
    const opened = database();
    const learned = await openGatewayLearning(opened, { pollIntervalMs: 10, quality: { refreshIntervalMs: 0 } });
    const quality = learned.learning.quality;
    if (quality === undefined || quality === false) throw new Error('auto learning is on by default');
    expect(quality.table).toBeUndefined();
    await vi.waitFor(() => expect(quality.table?.version).toBeGreaterThanOrEqual(1));
    await learned.close();
    const off = await openGatewayLearning(opened, { quality: false });
    expect(off.learning.quality).toBe(false);
    await off.close();
    await opened.close();
  });
});

describe('parseDuration', () => {
  it('reads d, h, m and s, largest first, at least the minimum', () => {
    expect(parseDuration('6h', 'KEY', 60_000)).toBe(6 * 3_600_000);
    expect(parseDuration(' 30m ', 'KEY', 60_000)).toBe(30 * 60_000);
    expect(parseDuration('1d2h3m4s', 'KEY', 60_000)).toBe(86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4000);
    expect(parseDuration('90s', 'KEY', 60_000)).toBe(90_000);
    expect(() => parseDuration('59s', 'KEY', 60_000)).toThrow(/^KEY must be a duration .* from 1m to 365d, got "59s"\.$/);
    expect(() => parseDuration(undefined, 'KEY', 60_000)).toThrow(/got undefined/);
  });
});
