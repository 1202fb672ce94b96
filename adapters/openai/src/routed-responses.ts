import { ConfigurationError, type Engine, fromChatResponse, followUpModel, InvalidRequestError, parseResponsesRequest, type Receipt, type ResponseObject, type ResponseStore, ResponseStreamFailure, responsesStream, storedTurn, responsesToChatRequest } from '@routekit/core';
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import type { Response, ResponseCreateParamsBase, ResponseCreateParamsNonStreaming, ResponseCreateParamsStreaming, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { Stream } from 'openai/streaming';
import { toOpenAIError } from './to-openai-error.js';

/** An OpenAI Responses object with routekit's receipt under `x-routekit`, as the gateway answers. */
export type RoutedResponse = Response & { 'x-routekit': Receipt };

export interface RoutedResponses {
  create(body: ResponseCreateParamsNonStreaming, options?: { signal?: AbortSignal | null; tenant?: string }): Promise<RoutedResponse>;
  create(body: ResponseCreateParamsStreaming, options?: { signal?: AbortSignal | null; tenant?: string }): Promise<Stream<ResponseStreamEvent>>;
  /** The `openai` package's `ResponseStream` helper (events, `.on(...)`, `finalResponse()`); `text.format` output is not parsed here. */
  stream(body: Omit<ResponseCreateParamsBase, 'stream'>, options?: { signal?: AbortSignal | null; tenant?: string }): ResponseStream<null>;
}

/**
 * `responses.create` and `responses.stream` for the in-process client: the Responses request is
 * translated to a chat request in core, routed by the engine, and the answer translated back, as the
 * gateway does. `store` and `previous_response_id` need `responseStore` (the app's opt-in to keeping
 * conversation text); without one a response is not stored and asking for it is a BadRequestError.
 */
export function routedResponses(engine: Engine, defaults: { tenant: string | undefined; responseStore: ResponseStore | undefined; retentionDays: number }): RoutedResponses {
  const { responseStore } = defaults;
  if (responseStore !== undefined && !['put', 'get', 'delete'].every((method) => typeof (responseStore as unknown as Record<string, unknown>)[method] === 'function')) {
    throw new ConfigurationError('createRoutedClient: responseStore must be a ResponseStore (e.g. new MemoryResponseStore()).', { key: 'responseStore' });
  }
  if (!Number.isInteger(defaults.retentionDays) || defaults.retentionDays < 1 || defaults.retentionDays > 365) {
    throw new ConfigurationError('createRoutedClient: responseRetentionDays must be a whole number of days from 1 to 365.', { key: 'responseRetentionDays' });
  }

  async function create(body: ResponseCreateParamsBase, options: { signal?: AbortSignal | null; tenant?: string } = {}): Promise<RoutedResponse | Stream<ResponseStreamEvent>> {
    const signal = options.signal ?? undefined;
    const controller = new AbortController();
    try {
      const parsed = parseResponsesRequest(body);
      const source = parsed.request;
      const tenant = options.tenant ?? defaults.tenant ?? 'default';
      if (responseStore === undefined && (source.store === true || source.previous_response_id !== undefined)) {
        const field = source.store === true ? 'store' : 'previous_response_id';
        throw new InvalidRequestError(`${field} needs stored responses, which keep the conversation's text: pass responseStore (e.g. new MemoryResponseStore()) to createRoutedClient, or send the whole conversation in input.`, { code: 'store_not_enabled', param: field });
      }
      const keep = responseStore !== undefined && source.store !== false;
      const previous = source.previous_response_id === undefined ? undefined : await responseStore!.get(source.previous_response_id, tenant);
      if (source.previous_response_id !== undefined && previous === undefined) {
        throw new InvalidRequestError(`Previous response with id '${source.previous_response_id}' not found.`, { code: 'previous_response_not_found', param: 'previous_response_id' });
      }
      const { request, conversation } = responsesToChatRequest({ ...source, model: followUpModel(source, previous, parsed.hints) }, previous?.conversation);
      const exchange = engine.createExchange({ request, hints: parsed.hints, options: parsed.options, tenant, signal: signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]) });
      const result = await engine.run(exchange);
      const id = exchange.id.replace(/^chatcmpl-/, 'resp_');
      const createdAt = Math.floor(Date.now() / 1000);
      const save = async (answer: ResponseObject) => {
        if (keep) await responseStore!.put(storedTurn({ answer, tenant, conversation, modelRequested: source.model, expiresAt: Date.now() + defaults.retentionDays * 86_400_000 }));
      };
      if (result.type === 'response') {
        const answer = fromChatResponse(result.response, source, { id, createdAt, model: result.response.model, store: keep });
        await save(answer);
        return { ...answer, 'x-routekit': exchange.receipt } as unknown as RoutedResponse;
      }
      const events = responsesStream(result.stream, source, { id, createdAt, model: exchange.receipt.winner ?? source.model, store: keep });
      return new Stream(() => translated(events, save, signal)[Symbol.asyncIterator](), controller);
    } catch (error) {
      throw toOpenAIError(error, signal);
    }
  }

  return {
    create: create as RoutedResponses['create'],
    stream(body, options) {
      // The helper reads newline-delimited JSON events; the routed stream is handed over in that form.
      const readable = new ReadableStream<Uint8Array>({
        async start(controller) {
          const encoder = new TextEncoder();
          try {
            const stream = (await create({ ...body, stream: true } as ResponseCreateParamsStreaming, options)) as Stream<ResponseStreamEvent>;
            for await (const event of stream) controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
            controller.close();
          } catch (error) {
            controller.error(error);
          }
        },
      });
      return ResponseStream.fromReadableStream(readable);
    },
  };
}

async function* translated(events: AsyncGenerator<{ type: string }, ResponseObject>, save: (answer: ResponseObject) => Promise<void>, signal: AbortSignal | undefined): AsyncGenerator<ResponseStreamEvent> {
  try {
    for await (const event of events) {
      if (event.type === 'response.completed' || event.type === 'response.incomplete') await save((event as unknown as { response: ResponseObject }).response);
      yield event as unknown as ResponseStreamEvent;
    }
  } catch (error) {
    throw toOpenAIError(error instanceof ResponseStreamFailure ? error.cause : error, signal);
  }
}
