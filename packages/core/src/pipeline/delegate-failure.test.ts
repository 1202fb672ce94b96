import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { InvalidRequestError, ProviderFailedError } from '../errors.js';
import { createExchange } from './create-exchange.js';
import { toDelegateFailure } from './delegate-failure.js';
import type { Attempt } from './exchange.js';

const model = new ModelCatalog().resolve('openai/gpt-4.1-mini');
const exchange = createExchange({ request: { model: 'auto', messages: [{ role: 'user', content: 'My secret project is called Bluebird Falcon.' }] } });
const attempt: Attempt = { exchange, model, request: { ...exchange.request, model: model.upstreamModel }, index: 0 };

/** Shaped like the openai SDK's errors: a class name, `status` and a `Headers` object. */
function sdkError(name: string, status: number | undefined, message: string, headers?: Headers): Error {
  const error = new Error(message) as Error & { status?: number; headers?: Headers };
  error.name = name;
  if (status !== undefined) error.status = status;
  if (headers !== undefined) error.headers = headers;
  return error;
}

describe('toDelegateFailure', () => {
  it('turns a 5xx or 429 from a delegate into a retryable ProviderFailedError that keeps the cause and Retry-After', () => {
    const original = sdkError('RateLimitError', 429, '429 Too many requests', new Headers({ 'retry-after': '7' }));
    const failure = toDelegateFailure(original, attempt) as ProviderFailedError;
    expect(failure).toBeInstanceOf(ProviderFailedError);
    expect(failure.failure).toBe('rate_limited');
    expect(failure.retryable).toBe(true);
    expect(failure.upstreamStatus).toBe(429);
    expect(failure.retryAfterSeconds).toBe(7);
    expect(failure.cause).toBe(original);
    expect((toDelegateFailure(sdkError('InternalServerError', 500, 'boom'), attempt) as ProviderFailedError).failure).toBe('server_error');
    // The AI SDK names the status `statusCode` and its headers `responseHeaders`.
    const aiSdk = Object.assign(new Error('Service Unavailable'), { statusCode: 503, responseHeaders: { 'Retry-After': '3' } });
    expect((toDelegateFailure(aiSdk, attempt) as ProviderFailedError).retryAfterSeconds).toBe(3);
  });

  it('keeps a 4xx as a non-retryable client error, and never quotes the prompt in the message', () => {
    const failure = toDelegateFailure(sdkError('BadRequestError', 400, '400 could not parse: My secret project is called Bluebird Falcon.'), attempt) as ProviderFailedError;
    expect(failure.failure).toBe('client_error');
    expect(failure.retryable).toBe(false);
    expect(failure.message).not.toContain('Bluebird');
  });

  it('reads timeouts and lost connections, also from a cause', () => {
    expect((toDelegateFailure(sdkError('APIConnectionTimeoutError', undefined, 'Request timed out.'), attempt) as ProviderFailedError).failure).toBe('timeout');
    expect((toDelegateFailure(sdkError('APIConnectionError', undefined, 'Connection error.'), attempt) as ProviderFailedError).failure).toBe('connection');
    const fetchFailed = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect((toDelegateFailure(fetchFailed, attempt) as ProviderFailedError).failure).toBe('connection');
  });

  it('returns other errors, routekit errors and aborts unchanged, so they are not retried on another model', () => {
    const bug = new TypeError('cannot read properties of undefined');
    expect(toDelegateFailure(bug, attempt)).toBe(bug);
    const invalid = new InvalidRequestError('bad');
    expect(toDelegateFailure(invalid, attempt)).toBe(invalid);
    const controller = new AbortController();
    const reason = new Error('client left');
    controller.abort(reason);
    expect(toDelegateFailure(sdkError('InternalServerError', 500, 'boom'), attempt, controller.signal)).toBe(reason);
  });
});
