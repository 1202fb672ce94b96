import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderFailedError } from '../errors.js';
import { createInProcessEngine } from '../index.js';
import { toEngineResponse } from '../embeddings/embedding-response.js';
import { parseEmbeddingRequest } from '../validation/parse-embedding-request.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('routekit-test');
afterAll(() => provider.shutdown());
beforeEach(() => exporter.reset());

const answer = (model: string) => ({ id: 'x', object: 'chat.completion' as const, created: 0, model, choices: [{ index: 0, message: { role: 'assistant' as const, content: 'The secret answer' }, finish_reason: 'stop' as const }], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } });

describe('OpenTelemetry spans', () => {
  it('exports a request span and one child span per attempt, with GenAI attributes and the fallback, and no prompt text', async () => {
    const engine = createInProcessEngine({
      models: { 'openai/gpt-4.1': 'strong', 'openai/gpt-4.1-mini': 'weak' },
      tracing: { tracer },
      call: async (delegate, attempt) => {
        if (delegate === 'weak') throw new ProviderFailedError('down', { provider: 'openai', model: attempt.request.model, failure: 'server_error', upstreamStatus: 503 });
        return { type: 'response', response: answer(attempt.request.model) };
      },
    });
    const exchange = engine.createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'Tell me my password hunter2' }] } });
    await engine.run(exchange);
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.attributes['routekit.request_id'] === exchange.id)!;
    const attempts = spans.filter((span) => span !== request);
    expect(request.name).toBe('chat auto');
    expect(request.attributes['gen_ai.operation.name']).toBe('chat');
    expect(request.attributes['gen_ai.request.model']).toBe('auto');
    expect(request.attributes['gen_ai.response.model']).toBe('openai/gpt-4.1');
    expect(request.attributes['gen_ai.usage.input_tokens']).toBe(12);
    expect(request.attributes['gen_ai.usage.output_tokens']).toBe(5);
    expect(request.attributes['routekit.strategy']).toBe('auto');
    expect(request.attributes['routekit.fallback_attempts']).toBe(exchange.receipt.fallback_attempts);
    expect(exchange.receipt.fallback_attempts).toBeGreaterThanOrEqual(1);
    // One span per call: the failing model's (with its retries), then the fallback that answered.
    expect(attempts).toHaveLength(exchange.receipt.attempts.filter((attempt) => attempt.outcome !== 'skipped').length);
    expect(attempts.at(-1)!.attributes['routekit.model']).toBe('openai/gpt-4.1');
    expect(attempts.every((span) => span.parentSpanContext?.spanId === request.spanContext().spanId)).toBe(true);
    const failed = attempts.find((span) => span.attributes['routekit.model'] === 'openai/gpt-4.1-mini')!;
    expect(failed.status.code).toBe(2);
    expect(failed.attributes['error.type']).toBe('provider_server_error');
    expect(failed.attributes['gen_ai.provider.name']).toBe('openai');
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toMatch(/hunter2|secret answer/i);
  });

  it('names spans by the strategy kind or the resolved model, never the raw model string, and bounds what it records', async () => {
    const engine = createInProcessEngine({ models: { 'openai/gpt-4.1': 'strong', 'openai/gpt-4.1-mini': 'weak' }, tracing: { tracer }, call: async (_delegate, attempt) => ({ type: 'response', response: answer(attempt.request.model) }) });
    const names = async (model: string) => {
      exporter.reset();
      await engine.run(engine.createExchange({ request: { model, messages: [{ role: 'user', content: 'hi' }] } })).catch(() => undefined);
      return exporter.getFinishedSpans().map((span) => span.name);
    };
    for (const model of ['router-lr-0.37', 'router-lr-0.11']) {
      const [attempt, request] = await names(model);
      expect(attempt).toMatch(/^chat openai\/gpt-4\.1(-mini)?$/);
      expect(request).toBe('chat router-lr');
    }
    expect(await names('router@q:1|c:0.5')).toContain('chat router@');
    expect(await names('openai/gpt-4.1')).toEqual(['chat openai/gpt-4.1', 'chat openai/gpt-4.1']);
    // An unknown model fails before any model is chosen: the span does not carry the client's string in its name.
    const unknown = `nobody/${'y'.repeat(3000)}`;
    expect(await names(unknown)).toEqual(['chat']);
    const [span] = exporter.getFinishedSpans();
    expect(String(span!.attributes['gen_ai.request.model']).length).toBeLessThanOrEqual(256);
    const exchange = engine.createExchange({ request: { model: unknown, messages: [{ role: 'user', content: 'hi' }] } });
    expect(exchange.receipt.model_requested.length).toBeLessThanOrEqual(256);
    expect(exchange.receipt.model_requested.startsWith('nobody/yyy')).toBe(true);
  });

  it('uses the registered global provider when no tracer is given, and nothing breaks without one', async () => {
    const engine = createInProcessEngine({ models: { 'openai/gpt-4.1-mini': 'weak' }, call: async (_delegate, attempt) => ({ type: 'response', response: answer(attempt.request.model) }) });
    await engine.run(engine.createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'hi' }] } }));
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    trace.setGlobalTracerProvider(provider);
    try {
      await engine.run(engine.createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'hi' }] } }));
      expect(exporter.getFinishedSpans().length).toBe(2);
    } finally {
      trace.disable();
    }
  });
});

describe('OpenTelemetry spans of an embeddings request', () => {
  it('name the operation embeddings, and leave routekit\'s own max_tokens out', async () => {
    const engine = createInProcessEngine({
      models: { 'openai/gpt-4.1': 'chat', 'openai/text-embedding-3-small': 'embedder' },
      tracing: { tracer },
      call: async (_delegate, attempt) => ({ type: 'response', response: toEngineResponse({ data: [{ object: 'embedding', index: 0, embedding: [0.6, 0.8] }], model: attempt.request.model, usage: { prompt_tokens: 3, total_tokens: 3 } }) }),
    });
    const exchange = engine.createExchange({ request: parseEmbeddingRequest({ model: 'openai/text-embedding-3-small', input: 'hello there' }).request });
    await engine.run(exchange);
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.attributes['routekit.request_id'] === exchange.id)!;
    expect(request.name).toBe('embeddings openai/text-embedding-3-small');
    expect(request.attributes['gen_ai.operation.name']).toBe('embeddings');
    expect(request.attributes['gen_ai.request.max_tokens']).toBeUndefined();
    expect(spans.filter((span) => span !== request).map((span) => span.attributes['gen_ai.operation.name'])).toEqual(['embeddings']);
  });
});
