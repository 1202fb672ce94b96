import { describe, expect, it } from 'vitest';
import type { ChatChunk, ChatResponse } from '../chat/chat-response.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { BudgetExceededError, InvalidRequestError, ProviderFailedError } from '../errors.js';
import type { ChatResult } from './chat-result.js';
import { Engine } from './engine.js';
import type { EngineMiddleware, ModelCall } from './engine-middleware.js';

const catalog = new ModelCatalog({ providers: ['openai', 'groq'] });
const usage = { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 };

function response(model: string): ChatResponse {
  return { id: 'upstream-id', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }], usage };
}

function chunk(model: string, content: string | undefined, finish: 'stop' | null = null, withUsage = false): ChatChunk {
  return { id: 'upstream-id', object: 'chat.completion.chunk', created: 1, model, choices: withUsage ? [] : [{ index: 0, delta: content === undefined ? { role: 'assistant' } : { content }, finish_reason: finish }], ...(withUsage && { usage }) };
}

async function* stream(model: string, failAfter?: number): AsyncGenerator<ChatChunk> {
  const chunks = [chunk(model, undefined), chunk(model, 'Par'), chunk(model, 'is.'), chunk(model, '', 'stop'), chunk(model, undefined, null, true)];
  for (const [index, item] of chunks.entries()) {
    if (failAfter === index) throw new ProviderFailedError('cut', { provider: 'openai', model, failure: 'connection' });
    yield item;
  }
}

const failing = (model: string) => new ProviderFailedError('Upstream 503.', { provider: 'groq', model, failure: 'server_error', upstreamStatus: 503 });

// No same-model retries here: these tests are about falling back down the ranking (retries: test/resilience-*.test.ts).
function engineWith(call: ModelCall, middleware: EngineMiddleware[] = []) {
  return new Engine({ call, catalog, defaultModel: 'openai/gpt-4.1', middleware, resilience: { attempts: { retries: 0 } } });
}

async function collect(result: ChatResult): Promise<ChatChunk[]> {
  if (result.type !== 'stream') throw new Error('expected a stream');
  const chunks: ChatChunk[] = [];
  for await (const item of result.stream) chunks.push(item);
  return chunks;
}

describe('Engine', () => {
  it('routes, calls, and writes a receipt whose cost and savings come from usage and catalog prices', async () => {
    const calls: string[] = [];
    const engine = engineWith(async (attempt) => {
      calls.push(attempt.request.model);
      return { type: 'response', response: response(attempt.request.model) };
    });
    const exchange = engine.createExchange({ request: { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'Capital of France?' }] } });
    const result = await engine.run(exchange);
    expect(calls).toEqual(['gpt-4.1-mini']);
    expect(result.type === 'response' && result.response.id).toBe(exchange.id);
    expect(result.type === 'response' && result.response.model).toBe('openai/gpt-4.1-mini');
    const receipt = exchange.receipt;
    expect(receipt.winner).toBe('openai/gpt-4.1-mini');
    expect(receipt.tokens).toEqual({ prompt: 1200, completion: 300, total: 1500, estimated: false });
    // gpt-4.1-mini: $0.40 in, $1.60 out per million; gpt-4.1: $2 in, $8 out.
    expect(receipt.cost_usd).toBeCloseTo((1200 * 0.4 + 300 * 1.6) / 1e6, 12);
    expect(receipt.default_cost_usd).toBeCloseTo((1200 * 2 + 300 * 8) / 1e6, 12);
    expect(receipt.savings_usd).toBeCloseTo(receipt.default_cost_usd! - receipt.cost_usd, 12);
    expect(receipt.attempts).toEqual([expect.objectContaining({ model: 'openai/gpt-4.1-mini', outcome: 'ok' })]);
    expect(receipt.routing_overhead_ms).toBeGreaterThanOrEqual(0);
    expect(await engine.receipts.get(exchange.id)).toEqual(receipt);
  });

  it('falls back down the ranking on a retryable failure and counts the attempt', async () => {
    const engine = engineWith(async (attempt) => {
      if (attempt.index === 0) throw failing(attempt.request.model);
      return { type: 'response', response: response(attempt.request.model) };
    });
    const exchange = engine.createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'hi' }] } });
    await engine.run(exchange);
    const [first, second] = exchange.receipt.attempts;
    expect(first).toMatchObject({ outcome: 'failed', error_code: 'provider_server_error', upstream_status: 503 });
    expect(second!.outcome).toBe('ok');
    expect(exchange.receipt.winner).toBe(second!.model);
    expect(exchange.receipt.winner).toBe(exchange.receipt.candidates[1]!.model);
    expect(exchange.receipt.fallback_attempts).toBe(1);
  });

  it('does not fall back from an explicit model, and stores the failed receipt', async () => {
    const engine = engineWith(async (attempt) => {
      throw failing(attempt.request.model);
    });
    const exchange = engine.createExchange({ request: { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] } });
    await expect(engine.run(exchange)).rejects.toBeInstanceOf(ProviderFailedError);
    expect((await engine.receipts.get(exchange.id))?.status).toBe('error');
    expect(exchange.receipt.error).toEqual({ status: 502, code: 'provider_server_error' });
  });

  it('moves to the next candidate when a spend check refuses one', async () => {
    const refuseFirst: EngineMiddleware = {
      name: 'refuse-first',
      async wrapCall(attempt, next) {
        if (attempt.index === 0) throw new BudgetExceededError('Over the per-request limit.', { limit: 'per_request', limitUsd: 0.001, spentUsd: 0 });
        return next();
      },
    };
    const engine = engineWith(async (attempt) => ({ type: 'response', response: response(attempt.request.model) }), [refuseFirst]);
    const exchange = engine.createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'hi' }] } });
    await engine.run(exchange);
    expect(exchange.receipt.attempts.map((attempt) => attempt.outcome)).toEqual(['skipped', 'ok']);
  });

  it('rejects a bad model string before any call', async () => {
    let called = false;
    const engine = engineWith(async () => {
      called = true;
      throw new Error('unreachable');
    });
    const exchange = engine.createExchange({ request: { model: 'router-mf-7', messages: [{ role: 'user', content: 'hi' }] } });
    await expect(engine.run(exchange)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(called).toBe(false);
  });

  it('streams, accounts usage at the end, and puts the receipt on the usage chunk when asked', async () => {
    const engine = engineWith(async (attempt) => ({ type: 'stream', stream: stream(attempt.request.model) }));
    const exchange = engine.createExchange({ request: { model: 'openai/gpt-4.1-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] } });
    const chunks = await collect(await engine.run(exchange));
    expect(chunks.map((item) => item.choices[0]?.delta.content ?? '').join('')).toBe('Paris.');
    expect(chunks.every((item) => item.id === exchange.id && item.model === 'openai/gpt-4.1-mini')).toBe(true);
    const last = chunks.at(-1)!;
    expect(last.usage).toEqual(usage);
    expect(last['x-routekit']).toMatchObject({ request_id: exchange.id, winner: 'openai/gpt-4.1-mini', cost_usd: exchange.receipt.cost_usd });
    expect(exchange.receipt.cost_usd).toBeGreaterThan(0);
    expect(exchange.receipt.time_to_first_token_ms).not.toBeNull();
  });

  it('drops the usage chunk when the client did not ask for usage', async () => {
    const engine = engineWith(async (attempt) => ({ type: 'stream', stream: stream(attempt.request.model) }));
    const exchange = engine.createExchange({ request: { model: 'openai/gpt-4.1-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    const chunks = await collect(await engine.run(exchange));
    expect(chunks.every((item) => item.choices.length > 0)).toBe(true);
    expect(exchange.receipt.tokens.total).toBe(1500);
  });

  it('falls back when a stream fails before its first token, not after', async () => {
    const engine = engineWith(async (attempt) => ({ type: 'stream', stream: stream(attempt.request.model, attempt.index === 0 ? 1 : undefined) }));
    const exchange = engine.createExchange({ request: { model: 'auto', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    const chunks = await collect(await engine.run(exchange));
    expect(chunks.map((item) => item.choices[0]?.delta.content ?? '').join('')).toBe('Paris.');
    expect(exchange.receipt.attempts.map((attempt) => attempt.outcome)).toEqual(['failed', 'ok']);

    const late = engineWith(async (attempt) => ({ type: 'stream', stream: stream(attempt.request.model, 3) }));
    const lateExchange = late.createExchange({ request: { model: 'auto', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
    const result = await late.run(lateExchange);
    await expect(collect(result)).rejects.toBeInstanceOf(ProviderFailedError);
    expect(lateExchange.receipt.status).toBe('error');
    expect(lateExchange.receipt.attempts).toHaveLength(1);
  });

  it('runs request middleware outermost-first around routing', async () => {
    const order: string[] = [];
    const trace = (name: string): EngineMiddleware => ({
      name,
      async wrapRequest(exchange, next) {
        order.push(`${name}:before:${exchange.decision === undefined ? 'undecided' : 'decided'}`);
        const result = await next();
        order.push(`${name}:after:${exchange.receipt.winner}`);
        return result;
      },
    });
    const engine = engineWith(async (attempt) => ({ type: 'response', response: response(attempt.request.model) }), [trace('outer'), trace('inner')]);
    await engine.run(engine.createExchange({ request: { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] } }));
    expect(order).toEqual(['outer:before:undecided', 'inner:before:undecided', 'inner:after:openai/gpt-4.1', 'outer:after:openai/gpt-4.1']);
  });
});
