import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Receipt } from '@routekit/core';
import { createKoaGateway } from './create-koa-gateway.js';

let server: Server;
let base: string;

beforeAll(async () => {
  // Demo mode whatever the machine has set: the smoke test never calls a real provider.
  for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY', 'TOGETHER_API_KEY', 'ROUTEKIT_LOCAL_BASE_URL']) vi.stubEnv(name, '');
  server = createKoaGateway({ quiet: true }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

const chat = (body: object) => fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('examples/koa-gateway (smoke, demo mode)', () => {
  it('answers a chat completion through the Koa middleware with a receipt, and GET /v1/receipts/:id returns it', async () => {
    const response = await chat({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string; choices: { message: { content: string } }[]; 'x-routekit': Receipt };
    expect(body.choices[0]!.message.content).toMatch(/^Mock answer from /);
    expect(body['x-routekit'].status).toBe('ok');
    expect(response.headers.get('x-routekit-receipt')).toBeTruthy();
    const receipt = await fetch(`${base}/v1/receipts/${body.id}`);
    expect(((await receipt.json()) as Receipt).request_id).toBe(body.id);
  });

  it('streams server-sent events, redacts PII before the provider, and leaves other paths to the app', async () => {
    const response = await chat({ model: 'auto', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Write to jane.doe@example.com' }] });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    const events = text.split('\n\n').filter((event) => event.startsWith('data: {')).map((event) => JSON.parse(event.slice('data: '.length)) as { 'x-routekit'?: Receipt });
    expect(events.at(-1)!['x-routekit']!.pii?.detected).toEqual({ EMAIL: 1 });
    const home = await fetch(`${base}/`);
    expect(await home.text()).toMatch(/^routekit on Koa/);
    const models = (await (await fetch(`${base}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toContain('openai/gpt-4.1');
  });

  it('answers a malformed request with an OpenAI-style 400', async () => {
    const response = await chat({ model: 'auto', messages: 'hello' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});
