// Instructions per request of the rate and spend limits alone, for `valgrind --tool=callgrind`:
//   CALLGRIND_TOGGLE=1 valgrind --tool=callgrind --instr-atstart=no node bench/limits-instructions.mjs <memory|redis|none> <requests>
// then "Collected" / <requests>. Each request runs the rate limit's wrapRequest (requests and tokens
// per minute) around the spend limit's wrapCall (a daily limit) around a call that answers at once,
// on the memory store or on Redis (127.0.0.1:6379; Redis's own work is not counted); `none` runs the
// same requests without the limits, the harness's own cost to subtract. A warm-up of 3,000 requests
// runs uninstrumented, and with CALLGRIND_TOGGLE the count covers the measured requests only (no
// start-up, no warm-up), so the number repeats within a few per cent on a loaded machine, which
// the difference of two whole-process runs does not. Plain JavaScript on the built packages (`npx tsc -b` first).
import { createExchange, createRateLimitMiddleware, createSpendLimitMiddleware, createMemoryCounterStore, createRedisCounterStore, ModelCatalog } from '@routekit/core';
import { countedByCallgrind } from './gateway/counted-by-callgrind.mjs';

const [mode = 'memory', requests = '1000'] = process.argv.slice(2);
const store = mode === 'redis' ? createRedisCounterStore({ prefix: `routekit-bench:${process.pid}:${Date.now()}:`, timeoutMs: 10_000 }) : createMemoryCounterStore();
const rate = createRateLimitMiddleware({ store, global: { requestsPerMinute: 10_000_000, tokensPerMinute: 10_000_000_000 } });
const spend = createSpendLimitMiddleware({ store, global: { limits: { daily_usd: 1_000_000 } } });
const model = new ModelCatalog({ providers: ['openai'] }).get('openai/gpt-4.1-mini');
// A flat string, as a parsed request body holds (a template literal would be a rope).
const prompt = JSON.parse(JSON.stringify('Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000)));
const response = {
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'gpt-4.1-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hamlet avenges his father.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 450, completion_tokens: 57, total_tokens: 507 },
};
let sequence = 0;
async function one() {
  sequence += 1;
  const exchange = createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: `${prompt} (${sequence})` }] } });
  const call = () => Promise.resolve({ type: 'response', response });
  if (mode === 'none') return call();
  return rate.wrapRequest(exchange, () => spend.wrapCall({ exchange, model, request: { ...exchange.request, model: 'gpt-4.1-mini' }, index: 0 }, call));
}
async function run(count) {
  let left = count;
  // Ten at a time, as a gateway under load has several requests holding budget at once.
  await Promise.all(Array.from({ length: 10 }, async () => { while (left-- > 0) await one(); }));
}
await run(3000);
await countedByCallgrind(() => run(Number(requests)));
// The rate limit's token corrections are not awaited by the requests: let them land before closing.
await new Promise((resolve) => setTimeout(resolve, 50));
await store.close();
process.exit(0);
