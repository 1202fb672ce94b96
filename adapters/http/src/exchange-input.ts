import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ExchangeInput } from '@routekit/core';
import type { Caller } from './authenticate.js';
import { assertValueDepth } from './json-depth.js';
import { assertJsonContentType, readJsonBody } from './read-json-body.js';

/** One request header as a string: repeated headers are joined, as Node joins most of them. */
export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The JSON body of a POST: what a framework body parser that ran first has read, or read here within `limitBytes`. */
export async function requestBody(request: IncomingMessage, body: unknown, limitBytes: number): Promise<unknown> {
  assertJsonContentType(request);
  // A framework body parser that ran first has consumed the stream; its result is then the body.
  const preParsed = body !== undefined && request.readableEnded;
  if (preParsed) {
    assertValueDepth(body);
    return body;
  }
  return readJsonBody(request, limitBytes);
}

/**
 * What every API route hands the engine beside its translated request: the caller's tenant and key,
 * a signal that fires when the client leaves, and the headers the engine reads (cache control, and
 * the resilience layer's fallback chain and deadline; body fields of the same names win).
 */
export function exchangeInput(fields: Pick<ExchangeInput, 'request' | 'hints' | 'options'>, request: IncomingMessage, response: ServerResponse, caller: Caller): ExchangeInput {
  const aborter = new AbortController();
  // 'close' on the response also fires after a normal end; only an unfinished response means the client left.
  response.on('close', () => {
    if (!response.writableFinished) aborter.abort();
  });
  const input: ExchangeInput = {
    request: fields.request,
    tenant: caller.tenant,
    apiKeyId: caller.apiKeyId,
    signal: aborter.signal,
    headers: {
      'cache-control': header(request, 'cache-control'),
      'x-routekit-cache': header(request, 'x-routekit-cache'),
      'x-fallback-chain': header(request, 'x-fallback-chain'),
      'x-routekit-deadline-ms': header(request, 'x-routekit-deadline-ms'),
    },
  };
  // Assigned after the literal: conditional spreads inside it made V8 define every later field through the runtime, per request.
  if (fields.hints !== undefined) input.hints = fields.hints;
  if (fields.options !== undefined) input.options = fields.options;
  return input;
}
