import { execSync } from 'node:child_process';

/**
 * Runs `work`; with CALLGRIND_TOGGLE set (and valgrind's `--instr-atstart=no`), callgrind counts
 * instructions only while it runs, so start-up and warm-up stay out of the count.
 */
export async function countedByCallgrind(work) {
  if (process.env.CALLGRIND_TOGGLE) execSync(`callgrind_control -i on ${process.pid}`);
  await work();
  if (process.env.CALLGRIND_TOGGLE) execSync(`callgrind_control -i off ${process.pid}`);
}
