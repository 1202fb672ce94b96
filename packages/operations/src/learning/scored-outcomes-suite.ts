import { createOutcomeFeaturizer, encodeSparseFeatures, outcomeFeaturizerKey } from '@routekit/core';
import type { SqlDatabase } from '../storage/sql-database.js';
import { createSqlOutcomeStore } from '../storage/sql-outcome-store.js';

export const seededStrong = 'openai/gpt-4.1';
export const seededWeak = 'openai/gpt-4.1-nano';

/**
 * A deployment's outcomes with a known signal, as the gateway stores them, for tests of retraining:
 * integrals need the strong model, trivia does not; both answers scored (as judging delivers them).
 * A challenger trained on 400 of them beats the shipped router beyond the guard's interval.
 */
export async function seedScoredOutcomes(database: SqlDatabase, count = 400): Promise<void> {
  const outcomes = await createSqlOutcomeStore({ database });
  const featurizer = createOutcomeFeaturizer();
  const costs = { [seededStrong]: 0.002, [seededWeak]: 0.0001 };
  for (let index = 0; index < count; index++) {
    const hard = index % 3 === 0;
    const text = hard ? `Compute the integral of x^${index % 9} times sin x from 0 to ${index}` : `What is the capital of country number ${index}?`;
    const request_id = `req-${index}`;
    const time = new Date(1_700_000_000_000 + index * 1000).toISOString();
    // The shipped router's view of these prompts is noise: it was not trained on this deployment.
    await outcomes.prepare({ request_id, tenant: 'acme', time, router_version: 'shipped', routed_score: ((index * 7919) % 100) / 100, featurizer: outcomeFeaturizerKey, features: encodeSparseFeatures(featurizer.extract(text)), models: [seededWeak, seededStrong], costs, winner: seededWeak });
    const receipt = { time, models: [seededWeak, seededStrong], costs, winner: seededWeak };
    await outcomes.record({ request_id, tenant: 'acme', model: seededStrong, score: 1, receipt });
    await outcomes.record({ request_id, tenant: 'acme', model: seededWeak, score: hard ? 0 : 1, receipt });
  }
  await outcomes.close();
}
