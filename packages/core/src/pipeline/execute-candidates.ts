import type { ChatChunk, Usage } from '../chat/chat-response.js';
import type { LatencyTracker } from '../catalog/latency-tracker.js';
import type { ModelInfo } from '../catalog/model-info.js';
import { BudgetExceededError, ProviderFailedError, RoutekitError } from '../errors.js';
import { accountUsage } from '../receipts/account-usage.js';
import type { ReceiptAttempt } from '../receipts/receipt.js';
import { anySignal, untilAborted, sleep, type LinkedSignal } from '../resilience/abortable.js';
import type { AttemptPolicy } from '../resilience/attempt-policy.js';
import type { CallOutcome } from '../resilience/breaker-store.js';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { CircuitOpenError } from '../resilience/circuit-open-error.js';
import type { Deadline } from '../resilience/deadline.js';
import { decideAfterFailure } from '../resilience/failure-decision.js';
import { hedgeDelayMs, HedgeCancelledError, raceHedged, type HedgingPolicy } from '../resilience/hedging.js';
import { estimateTokens, requestCharacters } from '../routing/request-profile.js';
import type { ChatResult } from './chat-result.js';
import type { ModelCall } from './engine-middleware.js';
import type { Attempt, Exchange } from './exchange.js';

export interface ExecuteCandidatesOptions {
  exchange: Exchange;
  /** Models in the order to try them; the first is tried first. */
  candidates: ModelInfo[];
  call: ModelCall;
  latency: LatencyTracker;
  defaultModel: ModelInfo | undefined;
  /** Timeouts, retries and backoff. */
  policy: AttemptPolicy;
  /** The request's overall deadline. */
  deadline: Deadline;
  /** Skips open endpoints and counts every outcome; none when the breaker is off. */
  breaker?: CircuitBreaker;
  /** Source of the backoff jitter; tests pass their own. */
  random?: () => number;
  /** Hedge latency-priority requests: start the second candidate when the first is slower than its p95 time to first token. */
  hedging?: HedgingPolicy;
}

/** Receipt fields every record of one attempt carries. */
type AttemptMeta = Pick<ReceiptAttempt, 'retry' | 'waited_ms' | 'wait' | 'circuit' | 'hedge'>;

/**
 * Calls the candidates in turn until one answers, under the attempt policy: each attempt has a
 * timeout (to the first token for a stream), retryable failures are retried on the same model with
 * backoff (a timeout only on the last candidate), then the next candidate takes over, all within
 * the request's deadline. An open circuit
 * skips its model without a call. A stream counts as answered once its first token arrived, so a
 * stream that fails before that falls back without the client seeing anything. Every attempt and
 * every wait goes to the receipt; tokens, cost, latency and the outcome go to the latency tracker
 * and the circuit breaker.
 */
export async function executeCandidates(options: ExecuteCandidatesOptions): Promise<ChatResult> {
  const { exchange, deadline } = options;
  // Made on first use: most requests never wait or hedge.
  let waitSignal: LinkedSignal | undefined;
  const waitSignalOf = () => (waitSignal ??= anySignal([exchange.signal, deadline.signal])).signal;
  try {
    return await tryCandidates(options, waitSignalOf);
  } finally {
    waitSignal?.dispose();
  }
}

async function tryCandidates(options: ExecuteCandidatesOptions, waitSignalOf: () => AbortSignal): Promise<ChatResult> {
  const { exchange, candidates, policy, deadline } = options;
  const { receipt } = exchange;
  const skipped: string[] = [];
  let attempts = 0;
  let lastError: unknown;
  for (const [index, model] of candidates.entries()) {
    const hasNext = index < candidates.length - 1;
    let meta: AttemptMeta = {};
    for (let retry = 0; ; retry += 1) {
      const admission = options.breaker === undefined ? { allowed: true, probe: false } : await options.breaker.admit(model.id);
      if (!admission.allowed) {
        receipt.attempts.push({ model: model.id, outcome: 'skipped', latency_ms: 0, error_code: 'circuit_open', ...meta });
        skipped.push(model.id);
        lastError = new CircuitOpenError(skipped, retryAfterOf(options.breaker, skipped));
        break;
      }
      meta = { ...meta, ...(retry > 0 && { retry }), ...(admission.probe && { circuit: 'probe' as const }) };
      const started = performance.now();
      if (attempts === 0) receipt.routing_overhead_ms = round(started - exchange.startedAt);
      try {
        const second = candidates[1];
        const delayMs = index === 0 && retry === 0 && second !== undefined ? hedgeDelayMs(options.hedging, exchange, model, options.latency) : undefined;
        if (delayMs === undefined) return await attemptOnce(options, model, meta, attempts++, admission.probe, started);
        return await raceHedged({
          delayMs,
          signal: waitSignalOf(),
          first: (cancel) => attemptOnce(options, model, meta, attempts++, admission.probe, started, cancel),
          second: async (cancel) => {
            const hedgeAdmission = options.breaker === undefined ? { allowed: true, probe: false } : await options.breaker.admit(second!.id);
            if (!hedgeAdmission.allowed) return undefined;
            exchange.receipt.hedged = true;
            return attemptOnce(options, second!, { hedge: true }, attempts++, hedgeAdmission.probe, performance.now(), cancel);
          },
          discard: closeLateResult,
        });
      } catch (error) {
        lastError = error;
        if (exchange.signal.aborted || deadline.signal.aborted) throw error;
        const decision = decideAfterFailure(error, { policy, retriesDone: retry, hasNext, remainingMs: deadline.remainingMs(), ...(options.random && { random: options.random }) });
        if (decision.action === 'stop') throw error;
        if (decision.action === 'next') break;
        receipt.retries = (receipt.retries ?? 0) + 1;
        meta = { waited_ms: decision.waitMs, wait: decision.wait };
        if (decision.waitMs > 0) await sleep(decision.waitMs, waitSignalOf());
      }
    }
    if (hasNext) receipt.fallback_attempts += 1;
  }
  throw lastError;
}

/** One call to one model, under its timeout; resolves with a response, or a stream past its first token. */
async function attemptOnce(options: ExecuteCandidatesOptions, model: ModelInfo, meta: AttemptMeta, index: number, probe: boolean, started: number, cancel?: AbortSignal): Promise<ChatResult> {
  const { exchange, policy, deadline } = options;
  const { receipt } = exchange;
  const attempt: Attempt = { exchange, model, request: { ...exchange.request, model: model.upstreamModel }, index };
  const streaming = exchange.request.stream === true;
  const limitMs = Math.max(1, Math.min(streaming ? policy.firstTokenTimeoutMs : policy.attemptTimeoutMs, Math.ceil(deadline.remainingMs())));
  const linked = anySignal(cancel ? [exchange.signal, deadline.signal, cancel] : [exchange.signal, deadline.signal]);
  const { signal } = linked;
  // The attempt's own timeout aborts only its signal, not the request's.
  const timer = setTimeout(() => linked.abort(attemptTimedOut(model, limitMs, streaming)), limitMs);
  // A stream that got past its first token keeps the signal until it ends (relay disposes of it).
  let relaying = false;
  try {
    const result = await untilAborted(options.call(attempt, signal), signal, closeLateResult);
    if (result.type === 'response') {
      const latencyMs = performance.now() - started;
      settle(options, model, result.response.usage ?? undefined, () => result.response.choices.map((choice) => choice.message.content ?? '').join(''), latencyMs);
      options.latency.record(model.id, { timeToFirstTokenMs: latencyMs, totalMs: latencyMs });
      receipt.attempts.push({ model: model.id, outcome: 'ok', latency_ms: round(latencyMs), ...meta });
      // A long answer is not a slow model: the time its tokens take at the model's usual speed is not held against it.
      const generationMs = (result.response.usage?.completion_tokens ?? 0) * options.latency.expectedInterTokenMs(model);
      await report(options, model, { failed: false, slow: latencyMs - generationMs >= (options.breaker?.slowCallMs ?? Infinity), probe });
      return { type: 'response', response: { ...result.response, id: exchange.id, model: model.id } };
    }
    const iterator = result.stream[Symbol.asyncIterator]();
    let head: ChatChunk[];
    try {
      head = await untilAborted(readToFirstToken(iterator), signal);
    } catch (error) {
      void iterator.return?.()?.catch(() => {});
      throw error;
    }
    clearTimeout(timer);
    receipt.winner = model.id;
    relaying = true;
    return { type: 'stream', stream: relay(iterator, head, options, { model, meta, probe, started, signal, dispose: linked.dispose }) };
  } catch (error) {
    const failure = signal.aborted && !exchange.signal.aborted ? (signal.reason ?? error) : error;
    receipt.attempts.push({
      model: model.id,
      outcome: failure instanceof BudgetExceededError ? 'skipped' : failure instanceof HedgeCancelledError ? 'cancelled' : 'failed',
      latency_ms: round(performance.now() - started),
      error_code: failure instanceof RoutekitError ? failure.code : failure instanceof HedgeCancelledError ? 'hedge_lost' : 'internal_error',
      ...(failure instanceof ProviderFailedError && failure.upstreamStatus !== null && { upstream_status: failure.upstreamStatus }),
      ...(streaming && { phase: 'first_token' as const }),
      ...meta,
    });
    await reportFailure(options, model, failure, probe, performance.now() - started);
    throw failure;
  } finally {
    clearTimeout(timer);
    if (!relaying) linked.dispose();
  }
}

function attemptTimedOut(model: ModelInfo, milliseconds: number, streaming: boolean): ProviderFailedError {
  const what = streaming ? 'sent no first token' : 'did not answer';
  return new ProviderFailedError(`Provider ${model.provider} ${what} within ${milliseconds} ms for model ${model.id}.`, { provider: model.provider, model: model.id, failure: 'timeout' });
}

/** A stream that arrives after its attempt was given up must still be closed. */
function closeLateResult(result: ChatResult): void {
  if (result.type === 'stream') void result.stream[Symbol.asyncIterator]().return?.()?.catch(() => {});
}

/** Reads a stream up to its first token (content, a tool call or a finish); what it read comes first later. */
async function readToFirstToken(iterator: AsyncIterator<ChatChunk>): Promise<ChatChunk[]> {
  const head: ChatChunk[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    if (carriesToken(next.value)) break;
  }
  return head;
}

function carriesToken(chunk: ChatChunk): boolean {
  return chunk.choices.some((choice) => (choice.delta.content ?? '') !== '' || (choice.delta.tool_calls?.length ?? 0) > 0 || choice.finish_reason !== null);
}

interface RelayContext {
  model: ModelInfo;
  meta: AttemptMeta;
  probe: boolean;
  started: number;
  signal: AbortSignal;
  /** Unlinks `signal` from the request's signals once the stream is over. */
  dispose: () => void;
}

/**
 * Passes the stream on from its first token. A failure from here on cannot fall back invisibly: it
 * is rethrown, so the adapter ends the stream with an error event (and no `[DONE]`) and the receipt
 * says `error`. Each read races the attempt's signal, so the deadline and a client that left end
 * even a stream whose source ignores the signal.
 */
async function* relay(iterator: AsyncIterator<ChatChunk>, head: ChatChunk[], options: ExecuteCandidatesOptions, context: RelayContext): AsyncGenerator<ChatChunk> {
  const { exchange } = options;
  const { model, started, signal } = context;
  const { receipt } = exchange;
  const wantsUsage = exchange.original.stream_options?.include_usage === true;
  const firstTokenAt = performance.now();
  const slow = firstTokenAt - started >= (options.breaker?.slowCallMs ?? Infinity);
  let usage: Usage | undefined;
  let usageChunk: ChatChunk | undefined;
  let text = '';
  let tokenChunks = 0;
  let reported = false;
  const rewrite = (chunk: ChatChunk): ChatChunk => ({ ...chunk, id: exchange.id, model: model.id });
  receipt.time_to_first_token_ms = round(firstTokenAt - started);
  try {
    for (let position = 0; ; position += 1) {
      const pending = position < head.length ? { done: false as const, value: head[position]! } : await untilAborted(iterator.next(), signal);
      if (pending.done) break;
      const chunk = pending.value;
      if (chunk.usage) usage = chunk.usage;
      if (chunk.choices.length === 0) {
        // The usage chunk is held back to carry the receipt, and dropped if the client did not ask for usage.
        if (chunk.usage) usageChunk = chunk;
        continue;
      }
      for (const choice of chunk.choices) text += choice.delta.content ?? '';
      if (carriesToken(chunk)) tokenChunks += 1;
      yield rewrite(chunk);
    }
  } catch (caught) {
    const error = signal.aborted && !exchange.signal.aborted ? (signal.reason ?? caught) : caught;
    receipt.attempts.push({ model: model.id, outcome: 'failed', latency_ms: round(performance.now() - started), error_code: error instanceof RoutekitError ? error.code : 'stream_failed', phase: 'stream', ...context.meta });
    reported = true;
    await reportFailure(options, model, error instanceof RoutekitError || exchange.signal.aborted ? error : streamFailure(model, error), context.probe, firstTokenAt - started);
    // The tokens streamed before the failure were generated, and billed by the provider: the receipt counts them.
    settle(options, model, usage, () => text, performance.now() - started);
    throw error;
  } finally {
    context.dispose();
    void Promise.resolve(iterator.return?.()).catch(() => {});
    // A client that left after the first token says nothing against the model.
    if (!reported && !exchange.signal.aborted) await report(options, model, { failed: false, slow, probe: context.probe });
    else if (!reported && context.probe) await report(options, model, { failed: false, slow, probe: true });
  }
  const endedAt = performance.now();
  settle(options, model, usage, () => text, endedAt - started);
  options.latency.record(model.id, {
    timeToFirstTokenMs: firstTokenAt - started,
    ...(tokenChunks > 1 && { interTokenMs: (endedAt - firstTokenAt) / (tokenChunks - 1) }),
    totalMs: endedAt - started,
  });
  receipt.attempts.push({ model: model.id, outcome: 'ok', latency_ms: round(endedAt - started), ...context.meta });
  if (wantsUsage) {
    const tokens = receipt.tokens;
    const finalUsage: Usage = usage ?? { prompt_tokens: tokens.prompt, completion_tokens: tokens.completion, total_tokens: tokens.total };
    yield { ...rewrite(usageChunk ?? { id: exchange.id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: model.id, choices: [] }), usage: finalUsage, 'x-routekit': receipt };
  }
}

function streamFailure(model: ModelInfo, cause: unknown): ProviderFailedError {
  return new ProviderFailedError(`The stream of model ${model.id} failed after its first token.`, { provider: model.provider, model: model.id, failure: 'connection', cause });
}

/**
 * Counts a failed attempt against its model, in the latency tracker and the breaker. Only the
 * model's own failures count: not a client that left, the deadline, a budget refusal or a request
 * the provider rejected as invalid.
 */
async function reportFailure(options: ExecuteCandidatesOptions, model: ModelInfo, error: unknown, probe: boolean, elapsedMs: number): Promise<void> {
  if (options.exchange.signal.aborted || !(error instanceof ProviderFailedError)) return;
  const failed = error.failure !== 'client_error';
  if (failed) options.latency.recordFailure(model.id);
  await report(options, model, { failed, slow: elapsedMs >= (options.breaker?.slowCallMs ?? Infinity), probe, timedOut: error.failure === 'timeout' });
}

async function report(options: ExecuteCandidatesOptions, model: ModelInfo, outcome: CallOutcome): Promise<void> {
  if (options.breaker === undefined) return;
  try {
    await options.breaker.record(model.id, outcome);
  } catch {
    // Breaker bookkeeping never fails a request; a shared store falls back to local state on its own.
  }
}

function retryAfterOf(breaker: CircuitBreaker | undefined, models: readonly string[]): number | null {
  const until = models.map((model) => breaker?.openUntil(model) ?? null).filter((value): value is number => value !== null);
  return until.length === 0 ? null : Math.max(1, Math.ceil((Math.min(...until) - Date.now()) / 1000));
}

/** Accounts the winner's usage, estimating it from text length when the provider sent none. */
function settle(options: ExecuteCandidatesOptions, model: ModelInfo, usage: Usage | undefined, answer: () => string, latencyMs: number): void {
  const { receipt, request } = options.exchange;
  receipt.winner = model.id;
  receipt.upstream_latency_ms = round(latencyMs);
  const estimated = usage === undefined;
  const counted = usage ?? estimateUsage(estimateTokens(requestCharacters(request)), estimateTokens(answer().length));
  accountUsage(receipt, model, counted, estimated, options.defaultModel);
}

function estimateUsage(prompt: number, completion: number): Usage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function round(milliseconds: number): number {
  return Math.round(milliseconds * 1000) / 1000;
}
