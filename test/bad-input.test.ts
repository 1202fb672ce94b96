import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '@routekit/core';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { hashApiKey } from '@routekit/http';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

const hello = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };

describe.each<Framework>(['express', 'koa'])('bad input to the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    mock = await startMockUpstream({ tokensPerSecond: 50, reply: () => 'word '.repeat(200) });
    gateway = await startGateway(framework, {
      providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }],
      apiKeys: [{ id: 'ci', hash: hashApiKey('sk-test-ci'), tenant: 'acme' }],
      bodyLimitBytes: 16 * 1024,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  async function post(body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-ci', ...headers }, body });
    return { status: response.status, body: (await response.json()) as { error: { message: string; type: string; code: string; param: string | null; request_id: string } } };
  }

  it.each([
    ['invalid JSON', '{"model": "auto", "messages": [', 400, 'invalid_json', null],
    ['an empty body', '', 400, 'invalid_json', null],
    ['a JSON array', '[1,2]', 400, 'invalid_body', null],
    ['a wrong type', JSON.stringify({ model: 42, messages: hello.messages }), 400, 'invalid_value', 'model'],
    ['empty messages', JSON.stringify({ model: 'auto', messages: [] }), 400, 'invalid_value', 'messages'],
    ['an unknown model', JSON.stringify({ ...hello, model: 'gpt-9' }), 404, 'model_not_found', 'model'],
    ['a malformed router string', JSON.stringify({ ...hello, model: 'router-mf-high' }), 400, 'invalid_model', 'model'],
    ['bad hints', JSON.stringify({ ...hello, 'x-routing-hints': { priority: 'vibes' } }), 400, 'invalid_value', 'x-routing-hints.priority'],
  ])('answers %s with a clear OpenAI-style error', async (_case, body, status, code, param) => {
    const answer = await post(body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code, param });
    expect(answer.body.error.type).toMatch(/_error$/);
    expect(answer.body.error.message).toMatch(/\S/);
    expect(answer.body.error.request_id).toMatch(/\S/);
  });

  it('refuses a body over the limit with 413', async () => {
    const answer = await post(JSON.stringify({ ...hello, messages: [{ role: 'user', content: 'x'.repeat(20_000) }] }));
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('body_too_large');
  });

  it('does not echo what the client sent', async () => {
    // Not a model name a provider could serve (pass-through names are identifiers).
    const answer = await post(JSON.stringify({ ...hello, model: 'openai/<script>alert(1)</script>' }));
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).not.toContain('<script>');
    // An unknown provider is named in the answer, with only its identifier characters.
    const provider = await post(JSON.stringify({ ...hello, model: '<script>alert(1)</script>/gpt' }));
    expect(provider.status).toBe(404);
    expect(JSON.stringify(provider.body)).not.toContain('<script>');
  });

  it('refuses a missing or wrong API key with 401', async () => {
    expect((await post(JSON.stringify(hello), { authorization: '' })).status).toBe(401);
    const wrong = await post(JSON.stringify(hello), { authorization: 'Bearer sk-wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.type).toBe('authentication_error');
  });

  it('keeps serving after a client disconnects mid-stream, closes the upstream call and marks the receipt aborted', async () => {
    const requestId = await new Promise<string>((resolve, reject) => {
      const outgoing = httpRequest(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-ci' } }, (incoming) => {
        incoming.once('data', () => {
          outgoing.destroy();
          resolve(String(incoming.headers['x-request-id']));
        });
      });
      outgoing.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
      outgoing.end(JSON.stringify({ ...hello, stream: true }));
    });
    let receipt: Receipt | undefined;
    for (let tries = 0; tries < 50 && receipt?.status !== 'aborted'; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await fetch(`${gateway.url}/v1/receipts/${requestId}`, { headers: { authorization: 'Bearer sk-test-ci' } });
      if (response.status === 200) receipt = (await response.json()) as Receipt;
    }
    expect(receipt?.status).toBe('aborted');
    const upstream = mock.requests.findLast((recorded) => (recorded.body as { stream?: boolean }).stream === true);
    expect(upstream?.aborted).toBe(true);
    const after = await post(JSON.stringify({ ...hello, max_tokens: 5 }));
    expect(after.status).toBe(200);
  });
});
