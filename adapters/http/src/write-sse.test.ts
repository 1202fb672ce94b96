import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatChunk } from '@routekit/core';
import { startEventStream, writeSse } from './write-sse.js';

const chunk = (content: string): ChatChunk => ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] });

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve()))));

/** Serves one event stream made by `stream`, recording the size of each write to the socket (a batch of corked writes is one). */
async function serve(stream: (response: ServerResponse) => AsyncIterable<ChatChunk>): Promise<{ url: string; writes: string[] }> {
  const writes: string[] = [];
  server = createServer((_request, response) => {
    // A Writable's _write and _writev are where its data leaves for the socket.
    const socket = response.socket as unknown as { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (data: unknown, ...rest: unknown[]) => {
      writes.push(String(data));
      write(data, ...rest);
    };
    socket._writev = (chunks: Array<{ chunk: unknown }>, ...rest: unknown[]) => {
      writes.push(chunks.map(({ chunk }) => String(chunk)).join(''));
      writev(chunks, ...rest);
    };
    startEventStream(response, { 'x-request-id': 'r1' });
    void writeSse(response, stream(response), 'r1');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`, writes };
}

function get(url: string, onResponse: (incoming: IncomingMessage) => void = () => undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, (incoming) => {
      onResponse(incoming);
      let body = '';
      incoming.on('data', (data: Buffer) => (body += data.toString()));
      incoming.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

describe('startEventStream', () => {
  it('sends the headers and a first event that is ready at once in one write to the socket', async () => {
    const { url, writes } = await serve(async function* () {
      yield chunk('Hello');
      yield chunk(' there');
    });
    const body = await get(url);
    expect(body).toContain('data: [DONE]');
    expect(writes[0]).toMatch(/^HTTP\/1\.1 200/);
    expect(writes[0]).toContain('x-request-id: r1');
    expect(writes[0]).toContain('data: {');
  });

  it('sends the first event before translating the events already in hand after it', async () => {
    // Node holds a response's writes until the next tick: without the flush, all three would leave as one write.
    const { url, writes } = await serve(async function* () {
      yield chunk('Hello');
      yield chunk(' there');
      yield chunk(' friend');
    });
    await get(url);
    expect(writes[0]).toContain('"content":"Hello"');
    expect(writes[0]).not.toContain(' there');
    expect(writes.slice(1).join('')).toContain('"content":" there"');
  });

  it('sends the headers on their own when the first event is not ready at once', async () => {
    let headersSeen: () => void = () => undefined;
    const seen = new Promise<void>((resolve) => (headersSeen = resolve));
    const { url } = await serve(async function* () {
      // The first event waits for the client to have the status: without the flush this never ends.
      await seen;
      yield chunk('late');
    });
    let status: number | undefined;
    const body = await get(url, (incoming) => {
      status = incoming.statusCode;
      headersSeen();
    });
    expect(status).toBe(200);
    expect(body).toContain('late');
  });
});
