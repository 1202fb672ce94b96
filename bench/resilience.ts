// Resilience under injected faults, over real HTTP: the example gateway stack (Express + the HTTP
// bridge + the engine) in front of mock upstreams. Three phases:
//   baseline  2,000 mixed JSON and streaming requests at concurrency 50, no faults;
//   faults    the same while the `openai` upstream fails 30% of its requests in every way (500, 429
//             with Retry-After, timeouts, resets, malformed JSON, streams cut before and after their
//             first token, slow answers); `mistral` stays healthy. Target: 0 failed client requests,
//             except streams cut after their first token, counted apart: each must end with an error
//             event and no [DONE]. Reports the p99 the faults add;
//   dead      only the failing upstream, now failing every request: every client must get a clean
//             error (JSON error or stream error event) within its deadline, and once a circuit is open
//             the upstream may see only the breaker's probes (counted per cool-down round).
// Run: node --conditions=@routekit/source --import tsx bench/resilience.ts   (or `npm run bench -- resilience`)
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createMemoryBreakerStore, createUpstreamCall, Engine, ModelCatalog, type BreakerStore, type EngineOptions, type ProviderConfig, type Receipt } from '@routekit/core';
import { startMockUpstream, type MockFailure } from '@routekit/core/testing';
import { routerMiddleware } from '@routekit/express';

// One log line per request would drown the figures (and cost CPU the load needs).
process.env.ROUTEKIT_LOG_LEVEL ??= 'silent';
const total = Number(process.env.REQUESTS ?? 2000);
const concurrency = 50;
const messages = [{ role: 'user', content: 'Summarise the plot of Hamlet in one sentence.' }];
const reply = () => 'Prince Hamlet avenges his father by killing his uncle, and almost everyone dies on the way.';

const faults: Array<[string, MockFailure]> = [
  ['500', { type: 'status', status: 500 }],
  ['429 retry-after 1', { type: 'status', status: 429, retryAfterSeconds: 1 }],
  ['timeout', { type: 'timeout' }],
  ['connection reset', { type: 'reset' }],
  ['malformed JSON', { type: 'malformed-json' }],
  ['cut before first token', { type: 'cut-stream', afterChunks: 0 }],
  ['cut after first token', { type: 'cut-stream', afterChunks: 1 }],
  ['slow (400 ms)', { type: 'delay', ms: 400 }],
];

interface Outcome {
  ok: boolean;
  stream: boolean;
  /** A stream that ended with an error event and no [DONE]. */
  errorEvent: boolean;
  done: boolean;
  status: number;
  code?: string;
  milliseconds: number;
  /** The receipt shows at least one failed attempt (a fault the gateway absorbed). */
  metFailure: boolean;
}

/** Calls that left the gateway while their model's circuit was not closed: the breaker's probes. */
let callsWhileNotClosed = 0;

async function startGateway(providers: ProviderConfig[], options: Omit<EngineOptions, 'call' | 'catalog'>) {
  const upstream = createUpstreamCall({ providers });
  const engine: Engine = new Engine({
    call: (attempt, signal) => {
      if (engine.health(attempt.model).circuit !== 'closed') callsWhileNotClosed += 1;
      return upstream(attempt, signal);
    },
    catalog: new ModelCatalog({ providers: providers.map((provider) => provider.id) }), ...options });
  const app = express();
  app.use(routerMiddleware({ engine }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  // Time inside the gateway, from the request's arrival to the end of its answer: free of the load client's own lag.
  const serverMilliseconds: number[] = [];
  server.on('request', (_request, response) => {
    const arrived = performance.now();
    response.once('close', () => serverMilliseconds.push(performance.now() - arrived));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    engine,
    serverMilliseconds,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function send(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Outcome> {
  const started = performance.now();
  const stream = body.stream === true;
  try {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await response.text();
    const milliseconds = performance.now() - started;
    if (!stream || !response.headers.get('content-type')?.includes('text/event-stream')) {
      const parsed = JSON.parse(text) as { error?: { code: string }; choices?: unknown[]; 'x-routekit'?: Receipt };
      return { ok: response.status === 200 && parsed.choices !== undefined, stream, errorEvent: false, done: false, status: response.status, ...(parsed.error && { code: parsed.error.code }), milliseconds, metFailure: metFailure(parsed['x-routekit']) };
    }
    const payloads = text.split('\n\n').map((block) => block.trim()).filter((block) => block.startsWith('data: ')).map((block) => block.slice(6));
    const done = payloads.at(-1) === '[DONE]';
    const last = payloads.at(-1);
    const error = last !== undefined && last !== '[DONE]' ? (JSON.parse(last) as { error?: { code: string } }).error : undefined;
    // With include_usage the last chunk before [DONE] carries the receipt.
    const receipt = done && payloads.length > 1 ? (JSON.parse(payloads.at(-2)!) as { 'x-routekit'?: Receipt })['x-routekit'] : undefined;
    return { ok: done && error === undefined, stream, errorEvent: error !== undefined && !done, done, status: response.status, ...(error && { code: error.code }), milliseconds, metFailure: error !== undefined || metFailure(receipt) };
  } catch (error) {
    return { ok: false, stream, errorEvent: false, done: false, status: 0, code: `client: ${(error as Error).message}`, milliseconds: performance.now() - started, metFailure: true };
  }
}

/** Runs `count` requests (or until `untilMs`) with `concurrency` workers. */
async function load(count: number, make: (index: number) => Promise<Outcome>, untilMs = Infinity, pauseMs = 0): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && performance.now() - started < untilMs) {
        const index = next++;
        outcomes[index] = await make(index);
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }),
  );
  return outcomes.filter(Boolean);
}

function metFailure(receipt: Receipt | undefined): boolean {
  return receipt !== undefined && receipt.attempts.some((attempt) => attempt.outcome !== 'ok');
}

function percentile(values: number[], quantile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? 0;
}

const format = (milliseconds: number) => `${milliseconds.toFixed(1)} ms`;

/** Half the requests `auto`, half an explicit model with a fallback chain to the healthy provider; half of each streamed. */
function mixedRequest(index: number): Record<string, unknown> {
  const stream = index % 2 === 1;
  const routed = index % 4 < 2;
  const shape = stream ? { stream, stream_options: { include_usage: true } } : { stream };
  return routed ? { model: 'auto', messages, ...shape } : { model: 'openai/gpt-4.1-mini', messages, ...shape, 'x-fallback-chain': ['mistral/mistral-small-latest'] };
}

const resilience = {
  // Timeouts well above what a loaded 2-core machine needs for a healthy answer, so that only the injected faults time out.
  attempts: { attemptTimeoutMs: 3000, firstTokenTimeoutMs: 2000, deadlineMs: 20_000, backoffBaseMs: 50, backoffMaxMs: 400, maxRetryAfterMs: 1500 },
  circuitBreaker: { windowMs: 10_000, minimumCalls: 20, failureRateThreshold: 0.5, openMs: 5000 },
};

// Phases 1 and 2: one gateway, one flaky and one healthy upstream.
const faultCounts = new Map<string, number>();
let faultsOn = false;
let streamsCutAfterFirstToken = 0;
const flaky = await startMockUpstream({
  timeToFirstTokenMs: 20,
  tokensPerSecond: 400,
  reply,
  chooseFailure: (request) => {
    if (!faultsOn || Math.random() >= 0.3) return undefined;
    const [name, failure] = faults[Math.floor(Math.random() * faults.length)]!;
    faultCounts.set(name, (faultCounts.get(name) ?? 0) + 1);
    if (name === 'cut after first token' && request.stream) streamsCutAfterFirstToken += 1;
    return failure;
  },
});
const healthy = await startMockUpstream({ timeToFirstTokenMs: 20, tokensPerSecond: 400, reply });
const gateway = await startGateway(
  [
    { id: 'openai', kind: 'openai', baseUrl: flaky.url },
    { id: 'mistral', kind: 'openai', baseUrl: healthy.url },
  ],
  { resilience },
);
await load(100, (index) => send(gateway.url, mixedRequest(index)));

const baseline = await load(total, (index) => send(gateway.url, mixedRequest(index)));
faultsOn = true;
const withFaults = await load(total, (index) => send(gateway.url, mixedRequest(index)));
faultsOn = false;
await gateway.close();

const failedBaseline = baseline.filter((outcome) => !outcome.ok).length;
const cut = withFaults.filter((outcome) => outcome.errorEvent);
const failed = withFaults.filter((outcome) => !outcome.ok && !outcome.errorEvent);
const latencyOf = (outcomes: Outcome[]) => outcomes.filter((outcome) => outcome.ok).map((outcome) => outcome.milliseconds);
const histogram = (outcomes: Outcome[]) => {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome.code ?? `status ${outcome.status}`, (counts.get(outcome.code ?? `status ${outcome.status}`) ?? 0) + 1);
  return Object.fromEntries(counts);
};
console.log(`faults injected into ${[...faultCounts.values()].reduce((sum, count) => sum + count, 0)} of the flaky upstream's ${flaky.requests.length} requests:`, Object.fromEntries(faultCounts));
console.log('| phase | requests | failed client requests | streams cut after first token (error event, no [DONE]) | p50 | p99 |');
console.log('|---|---|---|---|---|---|');
console.log(`| no faults | ${baseline.length} | ${failedBaseline} | 0 | ${format(percentile(latencyOf(baseline), 0.5))} | ${format(percentile(latencyOf(baseline), 0.99))} |`);
console.log(`| 30% faults on one of two providers | ${withFaults.length} | ${failed.length} | ${cut.length} of ${streamsCutAfterFirstToken} injected (codes: ${[...new Set(cut.map((outcome) => outcome.code))].join(', ')}) | ${format(percentile(latencyOf(withFaults), 0.5))} | ${format(percentile(latencyOf(withFaults), 0.99))} |`);
console.log(`p99 added by the faults, whole phase against the no-fault phase: ${format(percentile(latencyOf(withFaults), 0.99) - percentile(latencyOf(baseline), 0.99))}`);
// The same load, the same moment: requests that met a fault against those that did not, within the fault phase.
const hit = withFaults.filter((outcome) => outcome.ok && outcome.metFailure).map((outcome) => outcome.milliseconds);
const clear = withFaults.filter((outcome) => outcome.ok && !outcome.metFailure).map((outcome) => outcome.milliseconds);
console.log(`within the fault phase: ${hit.length} answered requests met a failure and were saved (p50 ${format(percentile(hit, 0.5))}, p99 ${format(percentile(hit, 0.99))}); ${clear.length} met none (p50 ${format(percentile(clear, 0.5))}, p99 ${format(percentile(clear, 0.99))}); p99 added to a request that meets a fault: ${format(percentile(hit, 0.99) - percentile(clear, 0.99))}`);
if (failedBaseline > 0) console.log('failed without faults:', histogram(baseline.filter((outcome) => !outcome.ok)));
if (failed.length > 0) console.log('failed with faults:', histogram(failed));

// Phase 3: the only upstream is dead. Short cool-down so several probe rounds fit in the run.
const openMs = 1000;
const halfOpenProbes = 1;
const deadlineMs = 3000;
const requestTimes = new Map<string, number[]>();
const dead = await startMockUpstream({
  timeToFirstTokenMs: 20,
  reply,
  chooseFailure: (request) => {
    const times = requestTimes.get(request.model) ?? [];
    times.push(Date.now());
    requestTimes.set(request.model, times);
    return faults.filter(([name]) => name !== 'slow (400 ms)' && name !== 'cut after first token')[Math.floor(Math.random() * 6)]![1];
  },
});
// The breaker's own count of the probes it let through, beside what the upstream saw.
let probesAdmitted = 0;
const memory = createMemoryBreakerStore();
const countingStore: BreakerStore = {
  ...memory,
  admit: async (endpoint, now, settings) => {
    const admission = await memory.admit(endpoint, now, settings);
    if (admission.probe) probesAdmitted += 1;
    return admission;
  },
};
const lonely = await startGateway([{ id: 'openai', kind: 'openai', baseUrl: dead.url }], {
  resilience: { ...resilience, circuitBreaker: { windowMs: 10_000, minimumCalls: 10, failureRateThreshold: 0.5, openMs, halfOpenProbes }, breakerStore: countingStore },
});
callsWhileNotClosed = 0;
const openedAt = new Map<string, number>();
const models = lonely.engine.catalog.routable();
const watcher = setInterval(() => {
  for (const model of models) if (!openedAt.has(model.upstreamModel) && lonely.engine.health(model).circuit === 'open') openedAt.set(model.upstreamModel, Date.now());
}, 2);
const runMs = 8000;
const deadStarted = Date.now();
const deadOutcomes = await load(
  Number.MAX_SAFE_INTEGER,
  (index) => send(lonely.url, index % 2 === 0 ? { model: 'auto', messages, stream: index % 4 === 0 } : { model: 'openai/gpt-4.1-mini', messages, stream: index % 4 === 1 }, { 'x-routekit-deadline-ms': String(deadlineMs) }),
  runMs,
  20,
);
const deadEnded = Date.now();
clearInterval(watcher);
await lonely.close();
const clean = deadOutcomes.filter((outcome) => !outcome.ok && outcome.code !== undefined && !outcome.code.startsWith('client:') && (outcome.stream ? outcome.errorEvent || outcome.status >= 400 : outcome.status >= 400));
const late = deadOutcomes.filter((outcome) => outcome.milliseconds > deadlineMs + 250);
let probes = 0;
let allowed = 0;
for (const [model, opened] of openedAt) {
  probes += (requestTimes.get(model) ?? []).filter((time) => time > opened).length;
  allowed += (Math.floor((deadEnded - opened) / openMs) + 1) * halfOpenProbes;
}
const codes = new Map<string, number>();
for (const outcome of deadOutcomes) codes.set(outcome.code ?? 'none', (codes.get(outcome.code ?? 'none') ?? 0) + 1);
console.log(`\nno healthy upstream, ${((deadEnded - deadStarted) / 1000).toFixed(1)} s at concurrency ${concurrency}, deadline ${deadlineMs} ms:`);
console.log(`  ${deadOutcomes.length} requests; clean OpenAI-style errors: ${clean.length}; seen by the client later than the deadline + 250 ms: ${late.length} (max ${format(Math.max(...deadOutcomes.map((outcome) => outcome.milliseconds)))}); inside the gateway: max ${format(Math.max(...lonely.serverMilliseconds))}, ${lonely.serverMilliseconds.filter((milliseconds) => milliseconds > deadlineMs + 250).length} over the deadline + 250 ms`);
console.log('  error codes:', Object.fromEntries(codes));
console.log(`  upstream requests: ${[...requestTimes.values()].reduce((sum, times) => sum + times.length, 0)} in all; ${probes} arrived after their endpoint's circuit first opened (calls already admitted and in flight then, or their retries' probes)`);
console.log(`  calls the gateway sent while their circuit was open or half-open: ${callsWhileNotClosed}; probes the breakers admitted: ${probesAdmitted}; the most they may: ${allowed} (${halfOpenProbes} per ${openMs} ms cool-down round per open endpoint, ${openedAt.size} endpoints opened)`);
await Promise.all([flaky.close(), healthy.close(), dead.close()]);
