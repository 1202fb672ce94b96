import { context, isSpanContextValid, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { ChatRequest } from '../chat/chat-request.js';
import { isEmbeddingRequest } from '../embeddings/embedding-request.js';
import type { ChatResult } from '../pipeline/chat-result.js';
import type { EngineMiddleware } from '../pipeline/engine-middleware.js';
import type { Exchange } from '../pipeline/exchange.js';
import { parseModelSelector, type ModelSelector } from '../routing/model-selector.js';
import { recordedModel } from '../validation/chat-request-schema.js';

export interface TracingOptions {
  /** The tracer to use; default `trace.getTracer('routekit')` from the app's registered provider. */
  tracer?: Tracer;
}

const requestSpanKey = 'routekit.tracing.span';

/**
 * OpenTelemetry spans following the GenAI semantic conventions: one per request (`chat <model>`,
 * covering limits, cache, routing and every attempt) and one per attempt to a model, its child.
 * Attributes: `gen_ai.operation.name`, `gen_ai.request.*`, `gen_ai.response.model`,
 * `gen_ai.usage.input_tokens` / `output_tokens`, `gen_ai.provider.name`, and routekit's own
 * (`routekit.strategy`, `routekit.candidates`, `routekit.cache.hit`, `routekit.fallback_attempts`,
 * `routekit.cost_usd`). Only `@opentelemetry/api` is used: with no SDK registered, spans are no-ops.
 * Never prompt or answer text.
 */
export function createTracingMiddleware(options: TracingOptions = {}): EngineMiddleware {
  const tracer = () => options.tracer ?? trace.getTracer('routekit');
  return {
    name: 'tracing',
    async wrapRequest(exchange, next) {
      const { request } = exchange;
      const operation = operationOf(request);
      // Span names stay low-cardinality: the strategy kind now, the model that answered at the end.
      const span = tracer().startSpan(spanName(operation, request.model), {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': operation,
          'gen_ai.request.model': recordedModel(request.model),
          // An embeddings request's max_tokens (0) is routekit's own, not the client's.
          ...(request.max_tokens != null && operation === 'chat' && { 'gen_ai.request.max_tokens': request.max_tokens }),
          ...(request.temperature != null && { 'gen_ai.request.temperature': request.temperature }),
          ...(request.top_p != null && { 'gen_ai.request.top_p': request.top_p }),
          'routekit.request_id': exchange.id,
          'routekit.tenant': exchange.tenant,
          'routekit.stream': request.stream === true,
        },
      });
      // No SDK registered (and no trace around the request): the span is a no-op with nothing to
      // propagate, so the request runs without the context switches and attempt spans.
      if (!span.isRecording() && !isSpanContextValid(span.spanContext())) return next();
      exchange.state.set(requestSpanKey, span);
      let result: ChatResult;
      try {
        result = await context.with(trace.setSpan(context.active(), span), next);
      } catch (error) {
        endRequestSpan(span, exchange, error);
        throw error;
      }
      if (result.type === 'response') {
        endRequestSpan(span, exchange);
        return result;
      }
      return { type: 'stream', stream: endAfterStream(result.stream, (error) => endRequestSpan(span, exchange, error)) };
    },
    async wrapCall(attempt, next) {
      const parent = attempt.exchange.state.get(requestSpanKey) as Span | undefined;
      if (parent === undefined) return next();
      const parentContext = trace.setSpan(context.active(), parent);
      const operation = operationOf(attempt.request);
      const span = tracer().startSpan(
        `${operation} ${attempt.model.id}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': operation,
            'gen_ai.provider.name': attempt.model.provider,
            'gen_ai.request.model': recordedModel(attempt.request.model),
            'routekit.model': attempt.model.id,
            'routekit.attempt': attempt.index,
          },
        },
        parentContext,
      );
      try {
        const result = await context.with(trace.setSpan(parentContext, span), next);
        if (result.type === 'response') {
          span.setAttribute('gen_ai.response.model', result.response.model);
          if (result.response.usage) {
            span.setAttribute('gen_ai.usage.input_tokens', result.response.usage.prompt_tokens);
            span.setAttribute('gen_ai.usage.output_tokens', result.response.usage.completion_tokens);
          }
          span.end();
          return result;
        }
        return { type: 'stream', stream: endAfterStream(result.stream, (error) => endWith(span, error)) };
      } catch (error) {
        endWith(span, error);
        throw error;
      }
    },
  };
}

function endRequestSpan(span: Span, exchange: Exchange, error?: unknown): void {
  const { receipt } = exchange;
  span.setAttributes({
    'routekit.strategy': receipt.strategy,
    'routekit.candidates': receipt.candidates.filter((candidate) => candidate.eligible).map((candidate) => candidate.model),
    'routekit.cache.hit': receipt.cache?.status === 'hit',
    'routekit.fallback_attempts': receipt.fallback_attempts,
    'routekit.cost_usd': receipt.cost_usd,
    'gen_ai.usage.input_tokens': receipt.tokens.prompt,
    'gen_ai.usage.output_tokens': receipt.tokens.completion,
  });
  if (receipt.winner !== null) {
    span.setAttribute('gen_ai.response.model', receipt.winner);
    if (parseSelectorKind(exchange.original.model) === 'explicit') span.updateName(`${operationOf(exchange.original)} ${receipt.winner}`);
  }
  // A threshold router is named once routing accepted its scorer, so unknown scorer names never become span names.
  const threshold = /^(router-[a-z0-9_-]*?)-\d*\.?\d+$/.exec(receipt.strategy);
  if (threshold !== null) span.updateName(`${operationOf(exchange.original)} ${threshold[1]!}`);
  endWith(span, error);
}

/** `chat auto`, `chat router@`, else `chat` until routing names the scorer (`chat router-lr`, no threshold) or the model that answered. */
function spanName(operation: string, model: string): string {
  const kind = parseSelectorKind(model);
  if (kind === 'auto') return `${operation} auto`;
  return kind === 'weighted' ? `${operation} router@` : operation;
}

function parseSelectorKind(model: string): ModelSelector['kind'] | 'invalid' {
  try {
    return parseModelSelector(model).kind;
  } catch {
    return 'invalid';
  }
}

function endWith(span: Span, error?: unknown): void {
  if (error !== undefined) {
    const type = error instanceof Error ? ((error as { code?: unknown }).code as string | undefined) ?? error.name : 'error';
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  }
  span.end();
}

async function* endAfterStream<Chunk>(stream: AsyncIterable<Chunk>, onEnd: (error?: unknown) => void): AsyncGenerator<Chunk> {
  let failure: unknown;
  let completed = false;
  try {
    yield* stream;
    completed = true;
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    onEnd(completed ? undefined : (failure ?? new Error('stream closed before its end')));
  }
}

/** The GenAI operation name: `embeddings` for an embeddings request, `chat` otherwise. */
function operationOf(request: ChatRequest): 'chat' | 'embeddings' {
  return isEmbeddingRequest(request) ? 'embeddings' : 'chat';
}
