import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat/chat-request.js';
import { ProviderFailedError } from '../errors.js';
import { failureOfStatus, parseRetryAfter, safeUpstreamMessage, statusFailure, toProviderFailure, UpstreamTimeoutError } from './provider-failure.js';

const context = { provider: 'openai', model: 'gpt-4.1-mini' };

describe('parseRetryAfter', () => {
  it('reads delta seconds, HTTP dates and retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': '7' }, now)).toBe(7);
    expect(parseRetryAfter({ 'retry-after': '1.2' }, now)).toBe(2);
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }, now)).toBe(0);
    expect(parseRetryAfter({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(2);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeNull();
    expect(parseRetryAfter({}, now)).toBeNull();
  });
});

describe('failureOfStatus', () => {
  it('classifies statuses', () => {
    expect([429, 500, 503, 529, 400, 401, 404, 408].map(failureOfStatus)).toEqual(['rate_limited', 'server_error', 'server_error', 'server_error', 'client_error', 'client_error', 'client_error', 'timeout']);
  });
});

describe('safeUpstreamMessage', () => {
  const request: ChatRequest = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'My secret project is called Bluebird Harbor.' }, { role: 'user', content: 'Hi Nadia' }] };

  it('keeps a short message that quotes no prompt text', () => {
    expect(safeUpstreamMessage('The model `gpt-4.1-mini` does not exist.', request)).toBe('The model `gpt-4.1-mini` does not exist.');
  });

  it('drops a message quoting the prompt, a long one, and one quoting a whole short text', () => {
    expect(safeUpstreamMessage("Invalid content: 'project is called Bluebird'", request)).toBeUndefined();
    expect(safeUpstreamMessage('x'.repeat(201), request)).toBeUndefined();
    expect(safeUpstreamMessage('Bad greeting: Hi Nadia', request)).toBeUndefined();
  });

  it('drops a message that shows something shaped like a credential', () => {
    for (const message of [
      'Incorrect API key provided: sk-proj-abc123def456. You can find your API key at …',
      'Invalid header: Bearer rk_live_0123456789abcdef',
      'request failed: api_key=hunter2hunter2',
      'Signature mismatch for AKIAIOSFODNN7EXAMPLE',
      'Unknown deployment 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    ]) {
      expect(safeUpstreamMessage(message, request)).toBeUndefined();
    }
    expect(safeUpstreamMessage("'temperature' must be between 0 and 2 for model claude-sonnet-4-5-20250929.", request)).toBe("'temperature' must be between 0 and 2 for model claude-sonnet-4-5-20250929.");
  });

  it('leaves the message out of the error when it echoes the prompt', () => {
    const error = statusFailure({ context, status: 400, headers: {}, body: JSON.stringify({ error: { message: 'Rejected: My secret project' } }), request });
    expect(error.message).toBe('Provider openai answered 400 for model gpt-4.1-mini');
    expect(error.failure).toBe('client_error');
    expect(error.upstreamStatus).toBe(400);
  });
});

describe('toProviderFailure', () => {
  it('maps timeouts and socket errors, and passes an abort reason through', () => {
    expect((toProviderFailure(new UpstreamTimeoutError('response', 10), context) as ProviderFailedError).failure).toBe('timeout');
    expect((toProviderFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), context) as ProviderFailedError).failure).toBe('connection');
    const controller = new AbortController();
    controller.abort();
    expect(toProviderFailure(new Error('aborted'), context, controller.signal)).toBe(controller.signal.reason);
  });
});
