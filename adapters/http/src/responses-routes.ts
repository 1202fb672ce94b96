import {
  followUpModel,
  fromChatResponse,
  InvalidRequestError,
  MemoryResponseStore,
  NotFoundError,
  parseResponsesRequest,
  type ResponseObject,
  type ResponseStore,
  ResponseStreamFailure,
  responsesStream,
  StoreUnavailableError,
  storedTurn,
  responsesToChatRequest,
} from '@routekit/core';
import type { Caller } from './authenticate.js';
import { toHttpError } from './error-body.js';
import { exchangeInput, header, requestBody } from './exchange-input.js';
import { headersOf, sendJson, sendJsonWithReceipt } from './http-bridge.js';
import type { Route, RouteContext } from './match-route.js';
import { runExchange, type ExchangeRunner } from './run-exchange.js';
import { drained, startEventStream, writeEvent } from './write-sse.js';

/** The gateway's `responses` option: where stored responses live and, without `keyManagement`, whether they may be stored. */
export interface ResponsesOptions {
  /** Where stored responses (`store`, `previous_response_id`) live: `await createSqlResponseStore({ database })` to share them. Default: process memory, the newest 1,000. */
  store?: ResponseStore;
  /**
   * Without `keyManagement`: how many days a stored response is kept. Unset, nothing is stored (a
   * stored response keeps conversation text) and `store: true` or `previous_response_id` is a 400.
   * With `keyManagement`, each tenant's `content_retention_days` decides instead.
   */
  retentionDays?: number;
}

export interface ResponsesRoutesContext extends ExchangeRunner {
  bodyLimitBytes: number;
  options: ResponsesOptions | undefined;
}

/**
 * OpenAI's Responses API on the gateway: `POST /v1/responses` (JSON and typed SSE events), `GET`
 * and `DELETE /v1/responses/{id}`. A request is translated into a chat request at the edge and runs
 * through the same engine as chat (routing, fallback, cache, PII, limits, receipts); the answer is
 * translated back.
 */
export function responsesRoutes(context: ResponsesRoutesContext): Route[] {
  const { keyManagement, bodyLimitBytes, fail } = context;
  const store = context.options?.store ?? new MemoryResponseStore();

  async function retentionDays(caller: Caller): Promise<number | undefined> {
    return keyManagement === undefined ? context.options?.retentionDays : (await keyManagement.preferences.get(caller.tenant)).content_retention_days;
  }

  async function create({ request, response, caller, body }: RouteContext): Promise<void> {
    const parsed = parseResponsesRequest(await requestBody(request, body, bodyLimitBytes), { hintsHeader: header(request, 'x-routekit-hints') });
    const source = parsed.request;
    const days = await retentionDays(caller);
    if (days === undefined && (source.store === true || source.previous_response_id !== undefined)) throw storeRefused(caller, source.store === true ? 'store' : 'previous_response_id', keyManagement !== undefined);
    const keep = days !== undefined && source.store !== false;
    const previous = source.previous_response_id === undefined ? undefined : await readStore(() => store.get(source.previous_response_id!, caller.tenant));
    if (source.previous_response_id !== undefined && previous === undefined) {
      throw new InvalidRequestError(`Previous response with id '${source.previous_response_id}' not found (responses are kept for the tenant's retention period).`, { code: 'previous_response_not_found', param: 'previous_response_id' });
    }
    const { request: chat, conversation } = responsesToChatRequest({ ...source, model: followUpModel(source, previous, parsed.hints) }, previous?.conversation);

    const ran = await runExchange(context, exchangeInput({ request: chat, hints: parsed.hints, options: parsed.options }, request, response, caller), caller, response);
    if (ran === undefined) return;
    const { exchange, result } = ran;
    const id = exchange.id.replace(/^chatcmpl-/, 'resp_');
    const createdAt = Math.floor(Date.now() / 1000);
    const save = async (answer: ResponseObject) => {
      if (!keep) return;
      const record = storedTurn({ answer, tenant: caller.tenant, conversation, modelRequested: source.model, expiresAt: (keyManagement?.now() ?? Date.now()) + days! * 86_400_000 });
      await readStore(() => store.put(record));
    };

    if (result.type === 'response') {
      const answer = fromChatResponse(result.response, source, { id, createdAt, model: result.response.model, store: keep });
      // Stored before the answer leaves, so a follow-up sent at once finds it.
      try {
        await save(answer);
      } catch (error) {
        fail(response, error, exchange.id, exchange);
        return;
      }
      sendJsonWithReceipt(response, answer, exchange.receipt, headersOf(exchange, true));
      return;
    }
    startEventStream(response, headersOf(exchange, false));
    const events = responsesStream(result.stream, source, { id, createdAt, model: exchange.receipt.winner ?? source.model, store: keep });
    try {
      for await (const event of events) {
        if (response.destroyed) break;
        if (event.type === 'response.completed' || event.type === 'response.incomplete') await save(event.response as ResponseObject);
        if (!writeEvent(response, `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)) await drained(response);
      }
      if (!response.destroyed) response.end();
    } catch (error) {
      if (response.destroyed) return;
      // After the first byte the status cannot change: `response.failed` went out, the `error` event ends the stream.
      const failure = error instanceof ResponseStreamFailure ? error : undefined;
      const { error: body } = toHttpError(failure?.cause ?? error, exchange.id).body;
      response.end(`event: error\ndata: ${JSON.stringify({ type: 'error', code: body.code, message: body.message, param: body.param, sequence_number: failure?.sequenceNumber ?? 0 })}\n\n`);
    }
  }

  async function retrieve({ response, parameter, caller }: RouteContext): Promise<void> {
    const found = await readStore(() => store.get(responseId(parameter!), caller.tenant));
    // Another tenant's response is reported as missing, so ids cannot be probed.
    if (found === undefined) throw notFound(parameter!);
    sendJson(response, 200, found.response);
  }

  async function remove({ response, parameter, caller }: RouteContext): Promise<void> {
    const id = responseId(parameter!);
    if (!(await readStore(() => store.delete(id, caller.tenant)))) throw notFound(id);
    sendJson(response, 200, { id, object: 'response.deleted', deleted: true });
  }

  return [
    { method: 'POST', path: '/v1/responses', serve: create },
    { method: 'GET', path: '/v1/responses/{id}', serve: retrieve },
    { method: 'DELETE', path: '/v1/responses/{id}', serve: remove },
  ];
}

function responseId(parameter: string): string {
  // `GET /v1/responses/{id}/input_items` is OpenAI's too; routekit keeps the conversation, not the items.
  if (parameter.includes('/')) throw new NotFoundError('No API route at this path; the gateway serves GET and DELETE /v1/responses/{id}.', { code: 'unknown_url' });
  return parameter;
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`No response with id '${id.slice(0, 256)}' (responses are kept for the tenant's retention period).`, { code: 'response_not_found', param: 'id' });
}

function storeRefused(caller: Caller, field: 'store' | 'previous_response_id', keyManagement: boolean): InvalidRequestError {
  const how = keyManagement
    ? `tenant "${caller.tenant}" has not opted in: an admin sets content_retention_days in its preferences (PUT /v1/admin/tenants/${caller.tenant}/preferences)`
    : 'this gateway keeps no conversation text: set responses: { retentionDays: <days> } in its config';
  return new InvalidRequestError(`${field} needs stored responses, which keep the conversation's text, and ${how}. Without it, send store: false and the whole conversation in input.`, { code: 'store_not_enabled', param: field });
}

/** A store outage is a 503 the client can retry, not an internal error. */
async function readStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new StoreUnavailableError('The response store is unavailable; try again shortly.', { feature: 'responses', cause: error });
  }
}
