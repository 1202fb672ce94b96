// Instructions per request of the engine path, for `valgrind --tool=callgrind` (repeatable whatever
// the machine's load): `node bench/gateway/engine-instructions.mjs <configuration> <requests>` runs a
// warm-up of 2,000 requests (V8 compiles the routing's loops only after several hundred), then <requests> more; run it under callgrind with two request counts and
// divide the difference in instructions by the difference in requests. Plain JavaScript on the built
// packages (`npx tsc -b` first), so no TypeScript loader's work is counted. The mock upstream runs in
// a child process (callgrind does not follow it).
import { spawn } from 'node:child_process';
import { createEngine } from '@routekit/http';

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
await run(Number(requests));
mock.disconnect();
process.exit(0);
