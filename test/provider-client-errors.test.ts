import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { startGateway, type RunningGateway } from './start-gateway.js';

// Issue 20, item 10: a provider's 400 (the client's request is wrong) reached the client as a 502.
// A provider's 4xx about the request itself now passes through with its status and message, in
// OpenAI's error shape; its refusal of the gateway's own credentials stays a 502 and shows no key.
const gatewaySecret = 'sk-gateway-secret-0123456789abcdef';
const messages = [{ role: 'user' as const, content: 'Name a prime number.' }];

describe('a provider\'s 4xx through the gateway, seen by the official openai client', () => {
  let openaiUpstream: MockUpstream;
  let anthropicUpstream: MockUpstream;
  let locked: MockUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    openaiUpstream = await startMockUpstream();
    anthropicUpstream = await startMockUpstream();
    // Wants another key than the gateway sends: every call is a 401.
    locked = await startMockUpstream({ apiKey: 'sk-the-right-key-000000000000' });
    gateway = await startGateway('express', {
      providers: [
        { id: 'openai', kind: 'openai', baseUrl: openaiUpstream.url },
        { id: 'anthropic', kind: 'anthropic', baseUrl: anthropicUpstream.url },
        { id: 'mistral', kind: 'openai', baseUrl: locked.url, apiKey: gatewaySecret },
      ],
      logger: false,
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([openaiUpstream.close(), anthropicUpstream.close(), locked.close()]);
  });

  it.each([
    [400, OpenAI.BadRequestError, 'Invalid request (mock).'],
    [404, OpenAI.NotFoundError, 'The model does not exist or you do not have access to it.'],
    [413, OpenAI.APIError, 'Invalid request (mock).'],
    [422, OpenAI.UnprocessableEntityError, 'Invalid request (mock).'],
  ])('passes an OpenAI-compatible provider\'s %i through with its message, once', async (status, errorClass, message) => {
    openaiUpstream.reset();
    openaiUpstream.failNext({ type: 'status', status });
    const failure = await client.chat.completions.create({ model: 'openai/gpt-4.1-mini', messages }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(errorClass);
    const error = failure as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(status);
    expect(error.type).toBe('invalid_request_error');
    expect(error.code).toBe('provider_client_error');
    expect(error.message).toContain(message);
    expect(openaiUpstream.requests).toHaveLength(1);
  });

  it('passes an Anthropic provider\'s 400 through the same way', async () => {
    anthropicUpstream.failNext({ type: 'status', status: 400 });
    const failure = await client.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).message).toMatch(/Provider anthropic answered 400/);
  });

  it('keeps a refusal of the gateway\'s own key a 502, without the key', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'mistral/mistral-small-latest', messages }) });
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(JSON.parse(text).error).toMatchObject({ type: 'upstream_error', code: 'provider_client_error' });
    expect(text).not.toContain(gatewaySecret);
    expect(text).not.toContain('0123456789abcdef');
  });
});
