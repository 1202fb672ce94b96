import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatChunk } from '../chat/chat-response.js';
import type { ModelInfo } from '../catalog/model-info.js';
import type { ChatResult } from '../pipeline/chat-result.js';
import type { Attempt, Exchange } from '../pipeline/exchange.js';
import { openAiBody } from './openai-chat-completions.js';
import { createUpstreamCall } from './upstream-call.js';

// Wire shapes the mock does not produce: what other OpenAI-compatible servers send.
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function serve(answer: (response: ServerResponse) => void | Promise<void>) {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => void answer(response));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return createUpstreamCall({ providers: [{ id: 'local', kind: 'openai', baseUrl }] });
}

const attempt = (stream: boolean, content = 'Tell me about the lighthouse keeper Ysolde.'): Attempt => ({
  exchange: {} as Exchange,
  model: { id: 'local/llama', provider: 'local', upstreamModel: 'llama' } as ModelInfo,
  request: { model: 'llama', messages: [{ role: 'user', content }], stream },
  index: 0,
});
const signal = new AbortController().signal;
const chunk = (delta: object, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'llama', choices: [{ index: 0, delta, finish_reason: finish }] })}`;
const eventStream = (response: ServerResponse) => response.writeHead(200, { 'content-type': 'text/event-stream' });

async function contents(result: ChatResult): Promise<string> {
  if (result.type !== 'stream') throw new Error('expected a stream');
  const parts: string[] = [];
  for await (const item of result.stream as AsyncIterable<ChatChunk>) parts.push(item.choices[0]?.delta.content ?? '');
  return parts.join('');
}

describe('callOpenAiChatCompletions against other servers', () => {
  it('reads a stream written byte by byte with CRLFs and keep-alive comments', async () => {
    const body = `: ping\r\n\r\n${chunk({ role: 'assistant', content: 'Hé' })}\r\n\r\n: ping\r\n\r\n${chunk({ content: 'llo' }, 'stop')}\r\n\r\ndata: [DONE]\r\n\r\n`;
    const call = await serve(async (response) => {
      eventStream(response);
      for (const byte of Buffer.from(body)) await new Promise<void>((resolve) => response.write(Buffer.of(byte), () => resolve()));
      response.end();
    });
    expect(await contents(await call(attempt(true), signal))).toBe('Héllo');
  });

  it('accepts a stream that ends after a finish reason without [DONE], and rejects one that just stops', async () => {
    const finished = await serve((response) => {
      eventStream(response);
      response.end(`${chunk({ content: 'Hi' })}\n\n${chunk({}, 'stop')}\n\n`);
    });
    expect(await contents(await finished(attempt(true), signal))).toBe('Hi');
    await new Promise((resolve) => server!.close(resolve));
    const stopped = await serve((response) => {
      eventStream(response);
      response.end(`${chunk({ content: 'Hi' })}\n\n`);
    });
    await expect(contents(await stopped(attempt(true), signal))).rejects.toMatchObject({ failure: 'connection' });
  });

  it('turns an error event inside a stream into a provider failure', async () => {
    const call = await serve((response) => {
      eventStream(response);
      response.end(`${chunk({ content: 'Hi' })}\n\ndata: {"error":{"message":"Internal error","type":"server_error"}}\n\n`);
    });
    await expect(contents(await call(attempt(true), signal))).rejects.toMatchObject({ failure: 'server_error', message: expect.stringContaining('Internal error') });
  });

  it('replays a JSON answer to a stream request as chunks', async () => {
    const call = await serve((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'llama', choices: [{ index: 0, message: { role: 'assistant', content: 'Whole' }, finish_reason: 'stop' }] }));
    });
    expect(await contents(await call(attempt(true), signal))).toBe('Whole');
  });

  it('keeps an upstream error message that echoes the prompt out of the error', async () => {
    const call = await serve((response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: "Can't answer 'about the lighthouse keeper Ysolde'" } }));
    });
    const error = await call(attempt(false), signal).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ failure: 'client_error', upstreamStatus: 400, message: 'Provider local answered 400 for model llama' });
  });
});

describe('openAiBody', () => {
  it('drops stream_options from a request that does not stream', () => {
    expect(openAiBody({ model: 'm', messages: [], stream_options: { include_usage: true } })).toEqual({ model: 'm', messages: [] });
  });
});
