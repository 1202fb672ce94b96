import type { ChatChunk, Usage } from '../chat/chat-response.js';
import type { LatencyTracker } from '../catalog/latency-tracker.js';
import type { ModelInfo } from '../catalog/model-info.js';
import { BudgetExceededError, ProviderFailedError, RoutekitError } from '../errors.js';
import { accountUsage } from '../receipts/account-usage.js';
import { estimateTokens, requestCharacters } from '../routing/request-profile.js';
import type { ChatResult } from './chat-result.js';
import type { ModelCall } from './engine-middleware.js';
import type { Attempt, Exchange } from './exchange.js';

export interface ExecuteCandidatesOptions {
  exchange: Exchange;
  /** Models in rank order; the first is tried first. */
  candidates: ModelInfo[];
  call: ModelCall;
  latency: LatencyTracker;
  defaultModel: ModelInfo | undefined;
}

/**
 * Calls the ranked candidates in turn until one answers. A stream counts as answered only once
 * its first token arrived, so a stream that fails before that falls back without the client
 * seeing anything. Tokens, cost and latency go to the receipt and the latency tracker.
 */
export async function executeCandidates(options: ExecuteCandidatesOptions): Promise<ChatResult> {
  const { exchange, candidates } = options;
  const { receipt } = exchange;
  let lastError: unknown;
  for (const [index, model] of candidates.entries()) {
    const attempt: Attempt = { exchange, model, request: { ...exchange.request, model: model.upstreamModel }, index };
    const started = performance.now();
    if (index === 0) receipt.routing_overhead_ms = round(started - exchange.startedAt);
    try {
      const result = await options.call(attempt, exchange.signal);
      if (result.type === 'response') {
        const latencyMs = performance.now() - started;
        settle(options, model, result.response.usage ?? undefined, () => result.response.choices.map((choice) => choice.message.content ?? '').join(''), latencyMs);
        options.latency.record(model.id, { timeToFirstTokenMs: latencyMs, totalMs: latencyMs });
        receipt.attempts.push({ model: model.id, outcome: 'ok', latency_ms: round(latencyMs) });
        return { type: 'response', response: { ...result.response, id: exchange.id, model: model.id } };
      }
      const stream = await startStream(result.stream, options, attempt, started);
      receipt.winner = model.id;
      return { type: 'stream', stream };
    } catch (error) {
      lastError = error;
      receipt.attempts.push({
        model: model.id,
        outcome: error instanceof BudgetExceededError ? 'skipped' : 'failed',
        latency_ms: round(performance.now() - started),
        error_code: error instanceof RoutekitError ? error.code : 'internal_error',
        ...(error instanceof ProviderFailedError && { upstream_status: error.upstreamStatus }),
      });
      if (!canTryNext(error) || exchange.signal.aborted || index === candidates.length - 1) throw error;
      receipt.fallback_attempts += 1;
    }
  }
  throw lastError;
}

function canTryNext(error: unknown): boolean {
  return (error instanceof ProviderFailedError && error.retryable) || error instanceof BudgetExceededError;
}

/** Reads the stream up to its first token, then hands back a stream that starts with what it read. */
async function startStream(upstream: AsyncIterable<ChatChunk>, options: ExecuteCandidatesOptions, attempt: Attempt, started: number): Promise<AsyncIterable<ChatChunk>> {
  const iterator = upstream[Symbol.asyncIterator]();
  const head: ChatChunk[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      head.push(next.value);
      if (carriesToken(next.value)) break;
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  return relay(iterator, head, options, attempt, started);
}

function carriesToken(chunk: ChatChunk): boolean {
  return chunk.choices.some((choice) => (choice.delta.content ?? '') !== '' || (choice.delta.tool_calls?.length ?? 0) > 0 || choice.finish_reason !== null);
}

async function* relay(iterator: AsyncIterator<ChatChunk>, head: ChatChunk[], options: ExecuteCandidatesOptions, attempt: Attempt, started: number): AsyncGenerator<ChatChunk> {
  const { exchange, model } = attempt;
  const { receipt } = exchange;
  const wantsUsage = exchange.original.stream_options?.include_usage === true;
  const firstTokenAt = performance.now();
  let usage: Usage | undefined;
  let usageChunk: ChatChunk | undefined;
  let text = '';
  let tokenChunks = 0;
  const rewrite = (chunk: ChatChunk): ChatChunk => ({ ...chunk, id: exchange.id, model: model.id });
  receipt.time_to_first_token_ms = round(firstTokenAt - started);
  try {
    let pending: IteratorResult<ChatChunk> | undefined;
    for (let position = 0; ; position += 1) {
      pending = position < head.length ? { done: false, value: head[position]! } : await iterator.next();
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
  } catch (error) {
    receipt.attempts.push({ model: model.id, outcome: 'failed', latency_ms: round(performance.now() - started), error_code: error instanceof RoutekitError ? error.code : 'stream_failed' });
    throw error;
  } finally {
    await iterator.return?.();
  }
  const endedAt = performance.now();
  settle(options, model, usage, () => text, endedAt - started);
  options.latency.record(model.id, {
    timeToFirstTokenMs: firstTokenAt - started,
    ...(tokenChunks > 1 && { interTokenMs: (endedAt - firstTokenAt) / (tokenChunks - 1) }),
    totalMs: endedAt - started,
  });
  receipt.attempts.push({ model: model.id, outcome: 'ok', latency_ms: round(endedAt - started) });
  if (wantsUsage) {
    const tokens = receipt.tokens;
    const finalUsage: Usage = usage ?? { prompt_tokens: tokens.prompt, completion_tokens: tokens.completion, total_tokens: tokens.total };
    yield { ...rewrite(usageChunk ?? { id: exchange.id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: model.id, choices: [] }), usage: finalUsage, 'x-routekit': receipt };
  }
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
