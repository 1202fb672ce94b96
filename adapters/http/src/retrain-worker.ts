import { parentPort, workerData } from 'node:worker_threads';
import { retrainFromOutcomes } from '@routekit/operations';
import { openDatabaseAt } from './database-location.js';
import type { RetrainSummary, RetrainWorkerData } from './run-retrain-worker.js';

// The retraining worker's thread: exactly what `routekit train --from-outcomes` does, on a database
// connection of its own, so the seconds of CPU that training takes never stall the serving thread.
const { location, stage } = workerData as RetrainWorkerData;
const database = await openDatabaseAt(location);
try {
  const retrain = await retrainFromOutcomes(database, {
    promotedBy: 'retrain schedule',
    onTraining() {
      Atomics.store(stage, 0, 1);
      // A test holds the worker here to show that the serving thread keeps running meanwhile.
      if (Atomics.load(stage, 1) === 1) Atomics.wait(stage, 1, 1, 60_000);
    },
  });
  const { challenge } = retrain;
  const summary: RetrainSummary = {
    scored: retrain.scored,
    trainedOn: challenge.trainedOn,
    judgedOn: challenge.outcomes,
    champion: retrain.champion,
    ...(challenge.file !== undefined && { championApgr: challenge.champion.apgr, challengerApgr: challenge.challenger.apgr }),
    verdict: challenge.promote ? 'promote' : 'keep',
    reason: challenge.reason,
    version: retrain.version ?? null,
    promoted: retrain.promoted,
  };
  parentPort!.postMessage(summary);
} finally {
  await database.close();
}
