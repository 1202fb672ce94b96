import type { ChatChunk, FinishReason, ToolCallDelta } from '../chat/chat-response.js';
import { RoutekitError } from '../errors.js';
import { itemId, outputText, statusOf, toResponseUsage } from './from-chat-response.js';
import { responseShell, type ResponseFunctionCall, type ResponseIdentity, type ResponseObject, type ResponseOutputMessage, type ResponseOutputText } from './response-object.js';
import type { ResponsesRequest } from './responses-request.js';

/** One event of a Responses stream; `type` names it as OpenAI's SDK does (`response.output_text.delta`, ...). */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/** Thrown by `responsesStream` after its `response.failed` event: the chat stream's own error, for the adapter to put on its wire. */
export class ResponseStreamFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly response: ResponseObject,
    readonly sequenceNumber: number,
  ) {
    super('The response stream failed.', { cause });
    this.name = 'ResponseStreamFailure';
  }
}

/**
 * Translates the engine's chat stream into the Responses API's typed events: `response.created`,
 * `response.in_progress`, then per output item `output_item.added`, its content or arguments as
 * deltas and `.done` events, `output_item.done`, and `response.completed` (or
 * `response.incomplete` when the model hit `max_output_tokens`) carrying the whole response. A
 * failure after the first event yields `response.failed` and then throws `ResponseStreamFailure`,
 * so the adapter ends its wire with an error and never with a clean completion.
 *
 * @example
 * for await (const event of responsesStream(result.stream, request, identity)) write(event);
 */
export async function* responsesStream(chunks: AsyncIterable<ChatChunk>, request: ResponsesRequest, identity: ResponseIdentity): AsyncGenerator<ResponseStreamEvent, ResponseObject> {
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>): ResponseStreamEvent => ({ type, sequence_number: sequence++, ...fields });
  const response = responseShell(request, identity);
  const output = response.output;
  let message: { item: ResponseOutputMessage; index: number; part: ResponseOutputText } | undefined;
  // Chat tool-call deltas are keyed by their own `index`; each becomes an output item.
  const calls = new Map<number, { item: ResponseFunctionCall; index: number }>();
  let finish: FinishReason | null = null;

  const closeMessage = (status: 'completed' | 'incomplete'): ResponseStreamEvent[] => {
    if (message === undefined) return [];
    const { item, index, part } = message;
    message = undefined;
    item.status = status;
    return [
      event('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text: part.text, logprobs: [] }),
      event('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part: { ...part } }),
      event('response.output_item.done', { output_index: index, item: structuredClone(item) }),
    ];
  };
  const closeCalls = (status: 'completed' | 'incomplete'): ResponseStreamEvent[] =>
    [...calls.values()].flatMap(({ item, index }) => {
      item.status = status;
      return [event('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: item.name, arguments: item.arguments }), event('response.output_item.done', { output_index: index, item: structuredClone(item) })];
    });

  yield event('response.created', { response: structuredClone(response) });
  yield event('response.in_progress', { response: structuredClone(response) });
  try {
    for await (const chunk of chunks) {
      if (chunk.usage) response.usage = toResponseUsage(chunk.usage);
      if (chunk['x-routekit'] !== undefined) response['x-routekit'] = chunk['x-routekit'];
      for (const choice of chunk.choices) {
        if (choice.finish_reason !== null && choice.finish_reason !== undefined) finish = choice.finish_reason;
        const text = choice.delta.content;
        if (typeof text === 'string' && text !== '') {
          if (message === undefined) {
            const item: ResponseOutputMessage = { id: itemId('msg', identity.id, output.length), type: 'message', role: 'assistant', status: 'in_progress', content: [] };
            message = { item, index: output.length, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } };
            output.push(item);
            yield event('response.output_item.added', { output_index: message.index, item: structuredClone(item) });
            yield event('response.content_part.added', { item_id: item.id, output_index: message.index, content_index: 0, part: structuredClone(message.part) });
            item.content.push(message.part);
          }
          message.part.text += text;
          yield event('response.output_text.delta', { item_id: message.item.id, output_index: message.index, content_index: 0, delta: text, logprobs: [] });
        }
        for (const delta of choice.delta.tool_calls ?? []) yield* callDelta(delta);
      }
    }
  } catch (error) {
    response.status = 'failed';
    response.error = { code: error instanceof RoutekitError && error.status === 429 ? 'rate_limit_exceeded' : 'server_error', message: error instanceof RoutekitError ? error.message : 'The model\'s stream failed.' };
    response.output_text = outputText(output);
    yield event('response.failed', { response: structuredClone(response) });
    throw new ResponseStreamFailure(error, response, sequence);
  }
  const status = statusOf(finish);
  const itemStatus = status === 'incomplete' ? 'incomplete' : 'completed';
  for (const closing of [...closeMessage(itemStatus), ...closeCalls(itemStatus)]) yield closing;
  response.status = status;
  response.completed_at = Math.floor(Date.now() / 1000);
  if (status === 'incomplete') response.incomplete_details = { reason: finish === 'content_filter' ? 'content_filter' : 'max_output_tokens' };
  response.output_text = outputText(output);
  yield event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: structuredClone(response) });
  return response;

  function* callDelta(delta: ToolCallDelta): Generator<ResponseStreamEvent> {
    let call = calls.get(delta.index);
    if (call === undefined) {
      // Text before a call is finished first, as OpenAI orders a turn: its message, then its calls.
      yield* closeMessage('completed');
      const item: ResponseFunctionCall = { id: itemId('fc', identity.id, output.length), type: 'function_call', call_id: delta.id ?? `call_${identity.id}_${delta.index}`, name: delta.function?.name ?? '', arguments: '', status: 'in_progress' };
      call = { item, index: output.length };
      calls.set(delta.index, call);
      output.push(item);
      yield event('response.output_item.added', { output_index: call.index, item: structuredClone(item) });
    } else if (delta.function?.name !== undefined && call.item.name === '') call.item.name = delta.function.name;
    const fragment = delta.function?.arguments;
    if (typeof fragment === 'string' && fragment !== '') {
      call.item.arguments += fragment;
      yield event('response.function_call_arguments.delta', { item_id: call.item.id, output_index: call.index, delta: fragment });
    }
  }
}
