// Preloaded into a gateway process by memory-after-load.ts (`node --import`): on SIGUSR2 it writes
// the process's memory and the size of each V8 heap space, in MB, to the file named by
// ROUTEKIT_HEAP_REPORT, so the bench can read what the heap holds without a snapshot; and the
// garbage collections so far (their count and main-thread pause), which young-generation sizing trades.
import { writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

let collections = 0;
let pauseMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    collections += 1;
    pauseMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

const megabytes = (bytes) => Math.round(bytes / 1e5) / 10;
process.on('SIGUSR2', () => {
  const memory = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, megabytes(space.space_size)]));
  writeFileSync(process.env.ROUTEKIT_HEAP_REPORT, JSON.stringify({ collections, pauseMs, rss: megabytes(memory.rss), heapUsed: megabytes(memory.heapUsed), external: megabytes(memory.external), spaces }));
});
