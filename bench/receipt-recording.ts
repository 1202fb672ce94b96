// What recording a receipt adds to the request path: the time of `receipts.put` for the durable
// SQLite store (a queue; a timer writes batches) against the memory store, measured in one run, with
// the batched writer running as it does in a gateway. CPU time beside wall time.
// Run: npx tsx bench/receipt-recording.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqlReceiptStore, MemoryReceiptStore, openSqliteDatabase, type Receipt, type ReceiptStore } from '../packages/core/src/index.js';

const count = Number(process.env.BENCH_RECEIPTS ?? 20_000);
const receipt = (index: number): Receipt => ({
  request_id: `bench-${index}`, timestamp: new Date().toISOString(), tenant: 'acme', api_key_id: 'key', model_requested: 'auto', strategy: 'auto',
  candidates: Array.from({ length: 8 }, (_, model) => ({ model: `openai/model-${model}`, score: 0.5, predicted_quality: 0.8, estimated_cost_usd: 0.0001, eligible: true })),
  winner: 'openai/model-0', reason: 'cheapest model with predicted quality 0.8 within 15% of the best', stream: false, routing_overhead_ms: 0.1, duration_ms: 120,
  upstream_latency_ms: 100, time_to_first_token_ms: null, tokens: { prompt: 500, completion: 100, total: 600, estimated: false }, cost_usd: 0.0001,
  default_model: 'openai/gpt-4.1', default_cost_usd: 0.002, savings_usd: 0.0019, attempts: [{ model: 'openai/model-0', outcome: 'ok', latency_ms: 100 }], fallback_attempts: 0, status: 'ok',
});

async function measure(name: string, store: ReceiptStore): Promise<void> {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await store.put(receipt(index));
    times.push(performance.now() - started);
    // A request every ~0.1 ms of its own: the writer's timer gets its turns, as between real requests.
    if (index % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  const at = (share: number) => times[Math.floor(times.length * share)]!.toFixed(4);
  console.log(`${name.padEnd(34)} put p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  CPU ${((used.user + used.system) / count).toFixed(1)} µs per receipt (including the batched writes done meanwhile)`);
}

const memory = new MemoryReceiptStore({ maxReceipts: count });
await measure('memory (the baseline)', memory);
const database = openSqliteDatabase({ path: join(mkdtempSync(join(tmpdir(), 'routekit-bench-')), 'receipts.db') });
const sqlite = await createSqlReceiptStore({ database });
await measure('SQLite file, batched every 50 ms', sqlite);
const started = performance.now();
await sqlite.close();
console.log(`flushing what was still queued at the end: ${(performance.now() - started).toFixed(1)} ms; ${(await database.query<{ count: number }>('SELECT COUNT(*) AS count FROM routekit_receipts'))[0]!.count} receipts stored`);
await database.close();
