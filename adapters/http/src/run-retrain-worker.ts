import { Worker } from 'node:worker_threads';
import type { DatabaseLocation } from './database-location.js';

/** What one retrain did, as the worker reports it (numbers and versions: never prompt text). */
export interface RetrainSummary {
  scored: number;
  trainedOn: number;
  judgedOn: number;
  /** The router in charge when training began. */
  champion: string;
  championApgr?: number;
  challengerApgr?: number;
  verdict: 'promote' | 'keep';
  /** The guard's one-line reason. */
  reason: string;
  /** The version the challenger was stored as; null when there was too little to train on. */
  version: number | null;
  promoted: boolean;
}

export interface RetrainWorkerData {
  location: DatabaseLocation;
  /** [0]: 1 once training started; [1]: 1 holds the worker at that point until it is set to 0 and notified (tests). */
  stage: Int32Array;
}

export interface RetrainRun {
  /** The summary; rejects when the retrain failed or the worker was terminated. */
  result: Promise<RetrainSummary>;
  /** Shared with the worker: see `RetrainWorkerData.stage`. */
  stage: Int32Array;
  /** Stops the worker at once (a shutdown): nothing it had not stored yet is stored. */
  terminate(): Promise<void>;
}

/**
 * Runs one retrain (`routekit train --from-outcomes` on `location`) in a worker thread and resolves
 * with its summary. Run from the TypeScript sources (tests, tsx), the worker loads them the same way.
 *
 * @example
 * const run = runRetrainWorker({ sqlite: '.routekit/routekit.db' });
 * console.log((await run.result).promoted);
 */
export function runRetrainWorker(location: DatabaseLocation, options: { hold?: boolean } = {}): RetrainRun {
  const stage = new Int32Array(new SharedArrayBuffer(8));
  if (options.hold === true) stage[1] = 1;
  const fromSource = import.meta.url.endsWith('.ts');
  const worker = new Worker(new URL(fromSource ? './retrain-worker.ts' : './retrain-worker.js', import.meta.url), {
    workerData: { location, stage } satisfies RetrainWorkerData,
    ...(fromSource && { execArgv: ['--conditions=@routekit/source', '--import', 'tsx'] }),
  });
  const result = new Promise<RetrainSummary>((resolve, reject) => {
    let summary: RetrainSummary | undefined;
    worker.on('message', (message: RetrainSummary) => void (summary = message));
    worker.on('error', reject);
    // Resolve at exit, once the worker closed its database connection.
    worker.on('exit', (code) => (summary !== undefined ? resolve(summary) : reject(new Error(`the retraining worker stopped before it finished (exit code ${code})`))));
  });
  return { result, stage, terminate: async () => void (await worker.terminate()) };
}
