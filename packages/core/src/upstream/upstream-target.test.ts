import { describe, expect, it } from 'vitest';
import { upstreamTarget } from './upstream-http.js';

describe('upstreamTarget', () => {
  it('splits a URL into its origin and path', () => {
    expect(upstreamTarget('https://api.openai.com/v1/chat/completions')).toEqual({ https: true, origin: 'https://api.openai.com', hostname: 'api.openai.com', port: '', path: '/v1/chat/completions' });
    expect(upstreamTarget('http://127.0.0.1:8080/proxy/v1/chat/completions?api-version=1')).toEqual({ https: false, origin: 'http://127.0.0.1:8080', hostname: '127.0.0.1', port: '8080', path: '/proxy/v1/chat/completions?api-version=1' });
  });

  it('takes an IPv6 host without its brackets and credentials as basic auth', () => {
    expect(upstreamTarget('http://[::1]:9000/v1/chat/completions')).toMatchObject({ origin: 'http://[::1]:9000', hostname: '::1', port: '9000' });
    expect(upstreamTarget('https://user:p%40ss@gateway.internal/v1/messages')).toMatchObject({ hostname: 'gateway.internal', auth: 'user:p@ss' });
  });
});
