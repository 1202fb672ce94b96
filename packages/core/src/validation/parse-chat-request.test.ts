import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors.js';
import { parseChatRequest } from './parse-chat-request.js';

const valid = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };

function errorOf(body: unknown, hintsHeader?: string): InvalidRequestError {
  try {
    parseChatRequest(body, { hintsHeader });
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('parseChatRequest', () => {
  it('accepts a valid request, passes unknown fields through and drops nulls', () => {
    const { request } = parseChatRequest({ ...valid, temperature: null, logit_bias: { '50256': -100 } });
    expect(request).toEqual({ ...valid, logit_bias: { '50256': -100 } });
  });

  it('takes routing hints from the body and the header, the body winning', () => {
    const { request, hints } = parseChatRequest({ ...valid, 'x-routing-hints': { priority: 'quality' } }, { hintsHeader: '{"priority":"latency","max_latency_ms":900}' });
    expect(hints).toEqual({ priority: 'quality', max_latency_ms: 900 });
    expect(request).not.toHaveProperty('x-routing-hints');
  });

  it('takes the cache switch out of the request', () => {
    const { request, options } = parseChatRequest({ ...valid, cache: false });
    expect(options).toEqual({ cache: false });
    expect(request).not.toHaveProperty('cache');
  });

  it.each([
    ['a body that is not an object', [valid], null, 'invalid_body'],
    ['a missing model', { messages: valid.messages }, 'model', 'invalid_value'],
    ['empty messages', { model: 'auto', messages: [] }, 'messages', 'invalid_value'],
    ['a wrong content type', { model: 'auto', messages: [{ role: 'user', content: 42 }] }, 'messages[0].content', 'invalid_value'],
    ['an unknown role', { model: 'auto', messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role', 'invalid_value'],
    ['a tool message without its call id', { model: 'auto', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', 'invalid_value'],
    ['a temperature out of range', { ...valid, temperature: 3 }, 'temperature', 'invalid_value'],
    ['a bad tool name', { ...valid, tools: [{ type: 'function', function: { name: 'no spaces allowed' } }] }, 'tools[0].function.name', 'invalid_value'],
    ['a non-boolean cache switch', { ...valid, cache: 'no' }, 'cache', 'invalid_type'],
    ['an unknown hint', { ...valid, 'x-routing-hints': { cheapest: true } }, 'x-routing-hints', 'unknown_field'],
    ['a wrong hint type', { ...valid, 'x-routing-hints': { max_latency_ms: 'fast' } }, 'x-routing-hints.max_latency_ms', 'invalid_value'],
  ])('refuses %s, naming the field', (_case, body, param, code) => {
    const error = errorOf(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/\S/);
  });

  it('refuses a hints header that is not JSON', () => {
    expect(errorOf(valid, '{nope').param).toBe('header x-routekit-hints');
  });

  it('refuses a model string longer than 256 characters, which would be recorded in logs and receipts', () => {
    expect(() => parseChatRequest({ ...valid, model: `openai/${'x'.repeat(249)}` })).not.toThrow();
    const error = errorOf({ ...valid, model: `openai/${'x'.repeat(250)}` });
    expect(error.status).toBe(400);
    expect(error.param).toBe('model');
  });

  it('never quotes message content back in its errors', () => {
    const secret = 'my password is hunter2';
    const error = errorOf({ model: 'auto', messages: [{ role: 'user', content: [{ type: 'text', text: secret, extra: 1 }, { type: 'video', text: secret }] }] });
    expect(error.message).not.toContain('hunter2');
  });
});
