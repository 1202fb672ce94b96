// Instructions per request of the engine path, for `valgrind --tool=callgrind` (repeatable whatever
// the machine's load): `node bench/gateway/engine-instructions.mjs <configuration> <requests>` runs a
// warm-up of 2,000 requests (V8 compiles the routing's loops only after several hundred), then
// <requests> more. The steadiest count is the main thread's, over the measured requests only:
//   CALLGRIND_TOGGLE=1 valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes \
//     --callgrind-out-file=out.cg node bench/gateway/engine-instructions.mjs features 1000
// then the PROGRAM TOTALS of `callgrind_annotate out.cg-01` / 1000. Plain JavaScript on the built
// packages (`npx tsc -b` first), so no TypeScript loader's work is counted. The mock upstream runs in
// a child process (callgrind does not follow it).
import { spawn } from 'node:child_process';
import { createEngine } from '@routekit/http';
import { countedByCallgrind } from './counted-by-callgrind.mjs';

const [configuration = 'auto', requests = '100'] = process.argv.slice(2);
const here = new URL('.', import.meta.url).pathname;
const limits = {
  rateLimits: { global: { requestsPerMinute: 10_000_000, tokensPerMinute: 10_000_000_000 } },
  spendLimits: { global: { limits: { daily_usd: 1_000_000 } } },
};
const features = { explicit: {}, auto: {}, cache: { cache: true }, pii: { pii: true }, limits, features: { cache: true, pii: true, ...limits } }[configuration];
if (features === undefined) throw new Error(`unknown configuration ${configuration}`);
const model = configuration === 'explicit' ? 'openai/gpt-4.1-mini' : 'auto';
const mock = spawn(process.execPath, [`${here}mock-process.mjs`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const upstreamUrl = await new Promise((resolve) => mock.once('message', (message) => resolve(message.url)));
const engine = createEngine({ providers: [{ id: 'openai', kind: 'openai', baseUrl: upstreamUrl }], defaultModel: 'openai/gpt-4.1', logger: false, ...features });
const prompt = 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000);
let sequence = 0;
async function run(count) {
  let left = count;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (left-- > 0) {
        sequence += 1;
        const result = await engine.run(engine.createExchange({ request: { model, messages: [{ role: 'user', content: `${prompt} (${sequence})` }] } }));
        if (result.type !== 'response') throw new Error('expected a whole response');
      }
    }),
  );
}
await run(2000);
await countedByCallgrind(() => run(Number(requests)));
mock.disconnect();
process.exit(0);
