import { describe, expect, it } from 'vitest';
import { ActiveRouter, challengeRouter, createOutcomeFeaturizer, encodeSparseFeatures, outcomeFeaturizerKey, type PreparedOutcome, type RouterFile } from '@routekit/core';
import { migrate } from './migrate.js';
import { createSqlOutcomeStore, outcomeMigrations } from './sql-outcome-store.js';
import { createSqlRouterRegistry, routerRegistryMigrations } from './sql-router-registry.js';
import { closedAfterSuite, databasesUnderTest } from './sql-database-suite.js';

const run = `${process.pid}-${Date.now().toString(36)}`;
const strong = 'openai/gpt-4.1';
const weak = 'openai/gpt-4.1-nano';
const featurizer = createOutcomeFeaturizer();

function prepared(index: number, text: string, tenant = `${run}-tenant`): PreparedOutcome {
  return { request_id: `${run}-${index}`, tenant, time: new Date(1_700_000_000_000 + index * 1000).toISOString(), router_version: 'shipped', routed_score: 0.5, featurizer: outcomeFeaturizerKey, features: encodeSparseFeatures(featurizer.extract(text)), models: [strong, weak], costs: { [strong]: 0.002, [weak]: 0.0001 }, winner: weak };
}

const receipt = (outcome: PreparedOutcome) => ({ time: outcome.time, models: outcome.models, costs: outcome.costs, winner: outcome.winner });

/** A router trained on a few synthetic outcomes, to store and load. */
function trainedFile(): RouterFile {
  const rows = Array.from({ length: 200 }, (_, index) => {
    const hard = index % 2 === 0;
    return { ...prepared(10_000 + index, hard ? `prove the lemma ${index}` : `hello friend ${index}`), router_version: 'shipped', routed_score: 0.5, scores: { [strong]: 1, [weak]: hard ? 0 : 1 }, scored_at: new Date().toISOString() };
  });
  return challengeRouter(rows, { champion: { version: 'shipped' }, resamples: 50, minimumOutcomes: 10 }).file!;
}

describe.each(databasesUnderTest('routekit-learning-'))('learning storage on %s', (_name, open) => {
  const openDatabase = closedAfterSuite(open, async (database) => {
    // A fresh SQLite file of one test has only its own store's tables.
    await migrate(database, [...outcomeMigrations, ...routerRegistryMigrations]);
    await database.execute('DELETE FROM routekit_outcomes WHERE request_id LIKE $1', [`${run}-%`]);
    await database.execute('DELETE FROM routekit_routers WHERE router LIKE $1', [`${run}%`]);
    await database.execute('DELETE FROM routekit_router_activations WHERE router LIKE $1', [`${run}%`]);
  });

  it('keeps prepared features, merges scores by model, replaces a repeated one and keeps the tenant', async () => {
    const database = await openDatabase();
    const store = await createSqlOutcomeStore({ database, flushIntervalMs: 60_000 });
    const first = prepared(1, 'What is the integral of x squared?');
    await store.prepare(first);
    expect(await store.record({ request_id: first.request_id, tenant: first.tenant, model: weak, score: 0, receipt: receipt(first) })).toEqual({ replaced: false });
    expect(await store.record({ request_id: first.request_id, tenant: first.tenant, model: weak, score: 1, receipt: receipt(first) })).toEqual({ replaced: true });
    await store.record({ request_id: first.request_id, tenant: first.tenant, model: strong, score: 1, receipt: receipt(first) });
    // Feedback before the prepared row was written (another instance): the features arrive later and the score stays.
    const second = prepared(2, 'hello');
    await store.record({ request_id: second.request_id, tenant: second.tenant, model: weak, score: 0.5, receipt: receipt(second) });
    await store.prepare(second);
    await store.prepare(prepared(3, 'never scored'));
    const scored = await store.scored({ tenant: first.tenant });
    expect(scored.map((outcome) => outcome.request_id)).toEqual([first.request_id, second.request_id]);
    expect(scored[0]).toMatchObject({ scores: { [weak]: 1, [strong]: 1 }, features: first.features, router_version: 'shipped', routed_score: 0.5, costs: first.costs });
    expect(scored[1]).toMatchObject({ scores: { [weak]: 0.5 }, features: second.features });
    await expect(store.record({ request_id: first.request_id, tenant: 'someone-else', model: weak, score: 1, receipt: receipt(first) })).rejects.toThrow(/another tenant/);
    await store.close();
  });

  it('stores versions, promotes, rolls back past retired versions, and a watcher follows', async () => {
    const database = await openDatabase();
    const registry = await createSqlRouterRegistry({ database, router: `${run}-registry` });
    const file = trainedFile();
    const one = await registry.add(file, { apgr: 0.8 });
    const two = await registry.add(file, { apgr: 0.85 });
    expect(await registry.active()).toEqual({ version: null });
    const active = new ActiveRouter();
    const changes: string[] = [];
    const watch = await registry.watch(active, { intervalMs: 60_000, onChange: (version) => changes.push(version) });
    expect(active.version).toBe('shipped');
    await registry.promote(one);
    await registry.promote(two);
    await watch.refresh();
    expect(active.version).toBe(`learned-v${two}`);
    expect((await registry.list()).map((entry) => [entry.version, entry.active])).toEqual([[two, true], [one, false]]);
    expect(await registry.rollback()).toBe(one);
    await watch.refresh();
    expect(active.version).toBe(`learned-v${one}`);
    // Version two is retired: a second rollback goes past it to the shipped router.
    expect(await registry.rollback()).toBeNull();
    await watch.refresh();
    expect(active.version).toBe('shipped');
    await expect(registry.rollback()).rejects.toThrow(/nothing to roll back/);
    await expect(registry.promote(999_999)).rejects.toThrow(/No router version/);
    expect(changes).toEqual([`learned-v${two}`, `learned-v${one}`, 'shipped']);
    expect((await registry.list()).find((entry) => entry.version === two)!.retired_at).not.toBeNull();
    watch.stop();
  });
});
