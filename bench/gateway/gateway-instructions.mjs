// Instructions per request of a whole gateway process, HTTP server and framework included, for
// `valgrind --tool=callgrind` (repeatable whatever the machine's load, unlike the CPU time that
// `gateway-peers` reads): `node bench/gateway/gateway-instructions.mjs <target> <requests> [api] [stream]`
// serves a warm-up of 2,000 requests (V8 compiles the routing's loops only after several hundred; the
// peers bench's two seconds of warm-up send more), then <requests> more, sent by a load process
// (callgrind does not follow children, so neither the load nor the mock upstream is counted).
// Targets are those of `target-process.mjs` (e.g. express-explicit, express-auto, koa-features).
// The steadiest count is the main thread's, over the measured requests only:
//   CALLGRIND_TOGGLE=1 valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes \
//     --callgrind-out-file=out.cg node bench/gateway/gateway-instructions.mjs express-auto 1000
// then the PROGRAM TOTALS of `callgrind_annotate out.cg-01` / 1000. V8's compiler and collector threads
// (the other files) do work whose timing follows the wall clock, which callgrind stretches.
import { spawn } from 'node:child_process';
import { startTarget } from './start-target.mjs';
import { countedByCallgrind } from './counted-by-callgrind.mjs';

const [target = 'express-auto', requests = '100', api = 'chat', stream = ''] = process.argv.slice(2);
const here = new URL('.', import.meta.url).pathname;
const mock = spawn(process.execPath, [`${here}mock-process.mjs`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const upstreamUrl = await new Promise((resolve) => mock.once('message', (message) => resolve(message.url)));
const server = await startTarget(target, upstreamUrl);
// Under callgrind the gateway runs ~50x slower: a kept-alive socket can sit idle past Node's 5 s
// default and be closed under the load's next request (ECONNRESET).
server.keepAliveTimeout = 120_000;
const url = `http://127.0.0.1:${server.address().port}/v1`;
const model = target.endsWith('-explicit') ? 'openai/gpt-4.1-mini' : 'auto';

function load(count) {
  const child = spawn(process.execPath, [`${here}load-process.mjs`, url, model, String(count), api, stream], { stdio: 'inherit' });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load exited with ${code}`)))));
}
await load(2000);
await countedByCallgrind(() => load(Number(requests)));
mock.disconnect();
process.exit(0);
