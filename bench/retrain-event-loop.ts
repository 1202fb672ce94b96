import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openSqliteDatabase, retrainFromOutcomes } from '@routekit/operations';
import { runRetrainWorker } from '@routekit/http';
import { seedScoredOutcomes } from '../packages/operations/src/learning/scored-outcomes-suite.js';

// `npm run bench -- retrain-event-loop`: what a retrain does to the serving thread's event loop.
// The same retrain (`routekit train --from-outcomes` on the same outcomes, each run on its own copy
// of the database so that both train against the shipped champion) runs in the worker thread the
// gateway's schedule uses, then on the serving thread itself, beside an idle baseline of the same
// length; perf_hooks.monitorEventLoopDelay samples the serving thread's loop throughout. The serving
// thread's own CPU (process.threadCpuUsage) is reported beside the process's and wall time. The
// histogram reads the time between its 5 ms samples, so an idle loop reads about 5 ms.
const outcomes = Number(process.argv[2] ?? 2000);
const directory = mkdtempSync(join(tmpdir(), 'routekit-retrain-bench-'));
const seeded = join(directory, 'seeded.db');
const database = openSqliteDatabase({ path: seeded });
await seedScoredOutcomes(database, outcomes);
await database.close();
const copy = (name: string) => {
  const path = join(directory, `${name}.db`);
  copyFileSync(seeded, path);
  return path;
};

interface Phase { name: string; wallMs: number; threadCpuMs: number; processCpuMs: number; p50: number; p99: number; max: number; note: string }

async function measure(name: string, work: () => Promise<string>): Promise<Phase> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  // Its sampling timer starts at the next turn of the loop: work that blocks before then goes unseen.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const thread = process.threadCpuUsage();
  const whole = process.cpuUsage();
  const started = performance.now();
  const note = await work();
  const wallMs = performance.now() - started;
  // A loop blocked to the end records its stall only when its sampling timer fires late: let it.
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.disable();
  const threadUsed = process.threadCpuUsage(thread);
  const processUsed = process.cpuUsage(whole);
  const ms = (nanoseconds: number) => nanoseconds / 1e6;
  return { name, wallMs, threadCpuMs: (threadUsed.user + threadUsed.system) / 1000, processCpuMs: (processUsed.user + processUsed.system) / 1000, p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), note };
}

const summaryOf = (promoted: boolean, scored: number) => `${scored} outcomes, ${promoted ? 'promoted' : 'kept'}`;
const phases: Phase[] = [];
phases.push(await measure('retrain in a worker thread (the schedule)', async () => {
  const result = await runRetrainWorker({ sqlite: copy('worker') }).result;
  return summaryOf(result.promoted, result.scored);
}));
const workerWall = phases[0]!.wallMs;
phases.push(await measure('retrain on the serving thread', async () => {
  const inline = openSqliteDatabase({ path: copy('inline') });
  const result = await retrainFromOutcomes(inline);
  await inline.close();
  return summaryOf(result.promoted, result.scored);
}));
phases.push(await measure('idle baseline (as long as the worker run)', async () => {
  await new Promise((resolve) => setTimeout(resolve, workerWall));
  return '';
}));

console.log(`retrain-event-loop: ${outcomes} scored outcomes in SQLite, the serving thread's event-loop delay while one retrain runs`);
console.log('| phase | wall | serving-thread CPU | process CPU | loop delay p50 | p99 | max |');
console.log('|---|---|---|---|---|---|---|');
for (const phase of phases) console.log(`| ${phase.name}${phase.note === '' ? '' : ` (${phase.note})`} | ${(phase.wallMs / 1000).toFixed(2)} s | ${(phase.threadCpuMs / 1000).toFixed(2)} s | ${(phase.processCpuMs / 1000).toFixed(2)} s | ${phase.p50.toFixed(1)} ms | ${phase.p99.toFixed(1)} ms | ${phase.max.toFixed(1)} ms |`);
const [worker, inline] = phases as [Phase, Phase];
console.log(`worst stall: ${(inline.max / worker.max).toFixed(0)}x longer on the serving thread (${inline.max.toFixed(0)} ms vs ${worker.max.toFixed(0)} ms); p99 ${(inline.p99 / worker.p99).toFixed(0)}x`);
