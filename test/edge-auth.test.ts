import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { routerMiddleware as expressRouter } from '@routekit/express';
import { hashApiKey } from '@routekit/http';
import { routerMiddleware as koaRouter } from '@routekit/koa';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

// Issue 15, items 9 and 10: authentication that cannot be turned off by accident, indexed keys,
// RFC 7235 behaviour (scheme in any case, a challenge on every 401), and one answer for every bad key.
const hello = JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] });
const routers = { express: expressRouter, koa: koaRouter };

describe.each<Framework>(['express', 'koa'])('authentication on the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    mock = await startMockUpstream();
    // 1,000 keys: the right one is found by its digest, not by scanning.
    const apiKeys = Array.from({ length: 1000 }, (_, index) => ({ id: `key-${index}`, hash: hashApiKey(`sk-edge-${index}`), tenant: `tenant-${index % 7}` }));
    gateway = await startGateway(framework, { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], apiKeys });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  async function post(headers: Record<string, string>) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: hello });
    const body = (await response.json()) as { error?: { message: string; type: string; code: string; param: string | null; request_id: string } };
    return { status: response.status, challenge: response.headers.get('www-authenticate'), error: body.error };
  }

  it.each(['Bearer sk-edge-999', 'bearer sk-edge-999', 'BEARER   sk-edge-999', 'Bearer\tsk-edge-999 '])('accepts the key as %j (the scheme is case-insensitive, RFC 7235)', async (authorization) => {
    expect((await post({ authorization })).status).toBe(200);
  });

  it('accepts the x-api-key header too, and scopes the receipt to the key tenant', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-edge-8' }, body: hello });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { 'x-routekit': { tenant: string } })['x-routekit'].tenant).toBe('tenant-1');
  });

  it('sends a WWW-Authenticate challenge on every 401', async () => {
    const missing = await post({});
    expect(missing.status).toBe(401);
    expect(missing.challenge).toBe('Bearer realm="routekit"');
    expect(missing.error?.code).toBe('missing_api_key');
    const wrong = await post({ authorization: 'Bearer sk-edge-1000' });
    expect(wrong.status).toBe(401);
    expect(wrong.challenge).toBe('Bearer realm="routekit", error="invalid_token"');
    const otherScheme = await post({ authorization: 'Basic c2stZWRnZS0x' });
    expect(otherScheme.status).toBe(401);
    expect(otherScheme.challenge).toMatch(/^Bearer realm="routekit"/);
  });

  it('answers every wrong key the same way, whatever check it failed', async () => {
    // A key nobody has, one differing from a real key in its last character, a real key's hash sent as a key, a very long one.
    const answers = await Promise.all(['sk-unknown', 'sk-edge-99x', hashApiKey('sk-edge-5'), `sk-${'x'.repeat(5000)}`].map((key) => post({ authorization: `Bearer ${key}` })));
    const withoutRequestId = ({ request_id: _id, ...error }: Record<string, unknown>) => error;
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(withoutRequestId(answer.error!)).toEqual(withoutRequestId(answers[0]!.error!));
      expect(answer.challenge).toBe(answers[0]!.challenge);
    }
    expect(answers[0]!.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key', message: 'The API key is not valid.' });
  });

  it('is an OpenAI AuthenticationError for the official client', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('refuses apiKeys: [] at startup instead of turning authentication off', () => {
    const start = () => routers[framework]({ providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], apiKeys: [] });
    expect(start).toThrow(ConfigurationError);
    expect(start).toThrow(/^apiKeys is empty/);
  });

  it('refuses keys that cannot work: a plain key where its hash belongs, duplicate ids, the same key twice', () => {
    const provider = { providers: [{ id: 'openai', kind: 'openai' as const, baseUrl: mock.url }] };
    expect(() => routers[framework]({ ...provider, apiKeys: [{ id: 'a', hash: 'sk-live-plain-key', tenant: 't' }] })).toThrow(/apiKeys\[0\]\.hash must be the 64-character SHA-256 hex digest/);
    expect(() => routers[framework]({ ...provider, apiKeys: [{ id: 'a', hash: hashApiKey('one'), tenant: 't' }, { id: 'a', hash: hashApiKey('two'), tenant: 't' }] })).toThrow(/apiKeys\[1\]\.id/);
    expect(() => routers[framework]({ ...provider, apiKeys: [{ id: 'a', hash: hashApiKey('one'), tenant: 't' }, { id: 'b', hash: hashApiKey('one'), tenant: 't' }] })).toThrow(/apiKeys\[1\]\.hash/);
  });

  it.each([
    ['rateLimits.perKey', { rateLimits: { perKey: { requestsPerMinute: 60 } } }],
    ['rateLimits.keys', { rateLimits: { keys: { ci: { requestsPerMinute: 60 } } } }],
    ['spendLimits.perKey', { spendLimits: { perKey: { limits: { daily_usd: 1 } } } }],
  ])('refuses %s without apiKeys, since no request would carry a key', (key, limits) => {
    const start = () => routers[framework]({ providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], ...limits });
    expect(start).toThrow(ConfigurationError);
    expect(start).toThrow(new RegExp(`^${key.replace('.', '\\.')} limits each API key, but apiKeys is not set`));
    // With keys, the same limits are fine.
    expect(() => routers[framework]({ providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], apiKeys: [{ id: 'ci', hash: hashApiKey('k'), tenant: 't' }], ...limits })).not.toThrow();
  });
});
