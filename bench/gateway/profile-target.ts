import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cpuMs } from './process-stats.js';
import { throughput, type Endpoint } from './load.js';

// Where one gateway target's CPU goes: `npx tsx bench/gateway/profile-target.ts <target> [model] [seconds]`
// (targets as in target-process.mjs: express-features, express-auto, node-auto, ...; build first with
// `npx tsc -b`). The target runs under `node --cpu-prof` with 10 connections of load, and the profile
// is summed by self time per function and per source file, with the CPU µs per request (/proc).
const [target = 'express-features', model = 'auto', seconds = '6'] = process.argv.slice(2);
const here = new URL('.', import.meta.url).pathname;
const directory = mkdtempSync(`${tmpdir()}/routekit-profile-`);

// The request log goes to a file, as in the benchmark.
const logFile = openSync(`${directory}/requests.log`, 'w');

function start(script: string, args: string[], nodeArguments: string[] = []): Promise<{ child: ChildProcess; message: Record<string, unknown> }> {
  const child = spawn(process.execPath, [...nodeArguments, `${here}${script}`, ...args], { stdio: ['ignore', 'inherit', logFile, 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, message: message as Record<string, unknown> }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

const mock = await start('mock-process.mjs', []);
const gateway = await start('target-process.mjs', [target, mock.message.url as string], ['--cpu-prof', `--cpu-prof-dir=${directory}`]);
const endpoint: Endpoint = { url: `http://127.0.0.1:${gateway.message.port as number}/v1`, headers: {}, model };
await throughput(endpoint, 10, 2);
const before = cpuMs(gateway.child.pid!);
const load = await throughput(endpoint, 10, Number(seconds));
const cpu = cpuMs(gateway.child.pid!) - before;
console.log(`${target}: ${load.requests} requests, ${load.errors} errors, ${((cpu * 1000) / load.requests).toFixed(0)} µs CPU per request, ${load.requestsPerSecond.toFixed(0)} req/s`);
const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
gateway.child.disconnect();
mock.child.disconnect();
await exited;

/** Which part of routekit a frame belongs to: a folder of core's sources, or the HTTP adapter. */
function areaOf(url: string): string | undefined {
  const core = /packages\/core\/dist\/([^/]+(?:\/(?:pii|limits))?)\//.exec(url);
  if (core) return `core/${core[1]}`;
  if (url.includes('adapters/http/')) return 'http bridge';
  if (url.includes('node_modules/express') || url.includes('node_modules/koa')) return 'web framework';
  return undefined;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'))!;
const profile = JSON.parse(readFileSync(`${directory}/${file}`, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  if (micros === 0) continue;
  const url = node.callFrame.url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'node_modules/').replace(/.*\/(packages|adapters)\//, '$1/');
  const name = `${node.callFrame.functionName || '(anonymous)'} ${url}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  const source = url === '' ? node.callFrame.functionName : url;
  byFile.set(source, (byFile.get(source) ?? 0) + micros);
}
const top = (table: Map<string, number>, count: number) =>
  [...table].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, micros]) => `  ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`).join('\n');
// Each sample goes to the innermost routekit area on its stack, so a regex or a native call counts
// for the feature that made it; samples with no routekit frame are node's own (HTTP, timers, GC).
const parents = new Map<number, ProfileNode>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const byArea = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  let area: string | undefined;
  for (let node = byId.get(id); node !== undefined && area === undefined; node = parents.get(node.id)) area = areaOf(node.callFrame.url);
  const name = area ?? `node (${byId.get(id)!.callFrame.functionName || 'anonymous'})`;
  const key = area ?? (['(idle)', '(garbage collector)', '(program)'].includes(name.slice(6, -1)) ? name : 'node (other)');
  byArea.set(key, (byArea.get(key) ?? 0) + micros);
}
console.log(`\nself time by the innermost routekit area on the stack:\n${top(byArea, 25)}`);
console.log(`\nself time by source file (of ${(total / 1000).toFixed(0)} ms sampled):\n${top(byFile, 25)}`);
console.log(`\nself time by function:\n${top(byFunction, 40)}`);
process.exit(0);
