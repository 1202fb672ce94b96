// Time to refuse a wrong API key with 10,000 keys configured: the indexed lookup the gateway uses
// (one SHA-256, one map lookup, one constant-time compare) beside the linear scan it replaced
// (decode and compare every stored hash), measured in the same run.
// Run: PATH=$PWD/node_modules/.bin:$PATH tsx bench/auth-lookup.ts
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createApiKeyIndex, hashApiKey, type ApiKeyEntry } from '../adapters/http/src/index.js';

const keys: ApiKeyEntry[] = Array.from({ length: 10_000 }, (_, index) => ({ id: `key-${index}`, hash: hashApiKey(`sk-bench-${index}-secret`), tenant: 'bench' }));
const wrong = { headers: { authorization: 'Bearer sk-bench-wrong-key' } } as unknown as IncomingMessage;
const right = { headers: { authorization: 'Bearer sk-bench-9999-secret' } } as unknown as IncomingMessage;

/** The previous `authenticate`: every stored hash decoded and compared, until one matches. */
function linearScan(key: string): ApiKeyEntry | undefined {
  const digest = Buffer.from(hashApiKey(key), 'hex');
  return keys.find((candidate) => {
    const stored = Buffer.from(candidate.hash, 'hex');
    return stored.length === digest.length && timingSafeEqual(stored, digest);
  });
}

/** Median of seven batches, in microseconds per call, after a warm-up. */
async function measure(run: () => unknown, iterations: number): Promise<number> {
  for (let index = 0; index < Math.min(iterations, 500); index++) await run();
  const batches: number[] = [];
  for (let batch = 0; batch < 7; batch++) {
    const started = performance.now();
    for (let index = 0; index < iterations; index++) await run();
    batches.push(((performance.now() - started) * 1000) / iterations);
  }
  return batches.sort((a, b) => a - b)[3]!;
}

const index = createApiKeyIndex(keys);
const refuse = async () => {
  try {
    await index.authenticate(wrong);
  } catch {
    // the 401 is the point
  }
};
const rows: Array<[string, number]> = [
  ['linear scan (before), wrong key', await measure(() => void linearScan('sk-bench-wrong-key'), 200)],
  ['indexed (now), wrong key', await measure(refuse, 20_000)],
  ['indexed (now), right key', await measure(() => index.authenticate(right), 20_000)],
];
console.log('auth with 10,000 keys configured: microseconds per request (median of 7 batches)');
for (const [label, microseconds] of rows) console.log(`${label.padEnd(36)} ${microseconds.toFixed(2).padStart(10)} µs`);
