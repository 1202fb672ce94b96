import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../chat/chat-request.js';
import { InvalidRequestError } from '../errors.js';
import { takeRequestResilience } from './request-resilience.js';

const request = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] } as ChatRequest;

describe('takeRequestResilience', () => {
  it('takes the body fields out of the request, so they never reach the provider', () => {
    const taken = takeRequestResilience({ ...request, 'x-fallback-chain': ['openai/gpt-4o'], 'x-routekit-deadline-ms': 2500 } as ChatRequest, {});
    expect(taken.request).toEqual(request);
    expect(taken.resilience).toEqual({ fallbackChain: ['openai/gpt-4o'], deadlineMs: 2500 });
  });

  it('reads the headers: a JSON array or a comma-separated list, and whole milliseconds', () => {
    expect(takeRequestResilience(request, { 'x-fallback-chain': '["a/b", "c/d"]', 'x-routekit-deadline-ms': ' 900 ' }).resilience).toEqual({ fallbackChain: ['a/b', 'c/d'], deadlineMs: 900 });
    expect(takeRequestResilience(request, { 'x-fallback-chain': 'a/b, c/d' }).resilience).toEqual({ fallbackChain: ['a/b', 'c/d'] });
  });

  it('lets the body win over a header', () => {
    const taken = takeRequestResilience({ ...request, 'x-routekit-deadline-ms': 100 } as ChatRequest, { 'x-routekit-deadline-ms': '900' });
    expect(taken.resilience.deadlineMs).toBe(100);
  });

  it.each([
    [{ 'x-fallback-chain': 'openai/gpt-4o' }, 'x-fallback-chain'],
    [{ 'x-fallback-chain': [] }, 'x-fallback-chain'],
    [{ 'x-fallback-chain': ['a/b', 7] }, 'x-fallback-chain[1]'],
    [{ 'x-routekit-deadline-ms': 1.5 }, 'x-routekit-deadline-ms'],
    [{ 'x-routekit-deadline-ms': '100' }, 'x-routekit-deadline-ms'],
  ])('refuses %j naming %s', (fields, param) => {
    const run = () => takeRequestResilience({ ...request, ...fields } as ChatRequest, {});
    expect(run).toThrow(InvalidRequestError);
    try {
      run();
    } catch (error) {
      expect((error as InvalidRequestError).param).toBe(param);
    }
  });

  it('refuses a malformed header naming it', () => {
    expect(() => takeRequestResilience(request, { 'x-routekit-deadline-ms': 'soon' })).toThrow(/header x-routekit-deadline-ms/);
    expect(() => takeRequestResilience(request, { 'x-fallback-chain': '["a/b"' })).toThrow(/header x-fallback-chain/);
  });
});
