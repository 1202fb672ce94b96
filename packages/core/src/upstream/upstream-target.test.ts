import { describe, expect, it } from 'vitest';
import { upstreamTarget } from './upstream-http.js';

describe('upstreamTarget', () => {
  it('splits a URL into its origin and path', () => {
    expect(upstreamTarget('https://api.openai.com/v1/chat/completions')).toEqual({ origin: 'https://api.openai.com', path: '/v1/chat/completions' });
    expect(upstreamTarget('http://127.0.0.1:8080/proxy/v1/chat/completions?api-version=1')).toEqual({ origin: 'http://127.0.0.1:8080', path: '/proxy/v1/chat/completions?api-version=1' });
  });

  it('keeps an IPv6 host in brackets, and takes credentials as basic auth', () => {
    expect(upstreamTarget('http://[::1]:9000/v1/chat/completions')).toEqual({ origin: 'http://[::1]:9000', path: '/v1/chat/completions' });
    expect(upstreamTarget('https://user:p%40ss@gateway.internal/v1/messages')).toEqual({ origin: 'https://gateway.internal', path: '/v1/messages', auth: 'user:p@ss' });
  });
});
