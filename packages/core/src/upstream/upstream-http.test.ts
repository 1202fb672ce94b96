import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamTimeoutError } from './provider-failure.js';
import { createUpstreamPool, sendUpstreamRequest, upstreamTarget, type UpstreamRequestOptions } from './upstream-http.js';

// The HTTP client's own behaviour against a plain node:http server: bodies in pieces, a reader
// slower than the network, repeated headers, credentials in the URL, and an abort while waiting.
type Handler = (request: IncomingMessage, response: ServerResponse) => void;
let handler: Handler = (_, response) => response.end('{}');
let server: Server;
let base: string;
const closedConnections: number[] = [];
const pool = createUpstreamPool();
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

beforeAll(async () => {
  server = createServer((request, response) => handler(request, response));
  server.on('connection', (socket) => socket.on('close', () => closedConnections.push(Date.now())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await pool.close();
  await new Promise((resolve) => server.close(resolve));
});

function send(overrides: Partial<UpstreamRequestOptions> & { url?: string } = {}) {
  const { url = `${base}/v1/echo`, ...rest } = overrides;
  return sendUpstreamRequest({ target: upstreamTarget(url), headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}', pool, timeoutMs: 2000, idleTimeoutMs: 1000, signal: new AbortController().signal, ...rest });
}

describe('sendUpstreamRequest', () => {
  it('reads a body that arrives in pieces after the headers, as text', async () => {
    handler = (_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"parts":[');
      setTimeout(() => response.write('"é",'), 20);
      setTimeout(() => response.end('"z"]}'), 40);
    };
    const response = await send();
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toEqual({ parts: ['é', 'z'] });
  });

  it('gives a reader slower than the network every byte, in order', async () => {
    const body = Buffer.alloc(1_000_000);
    for (let index = 0; index < body.length; index++) body[index] = (index * 7919) % 251;
    handler = (_, response) => response.end(body);
    const response = await send();
    const received: Buffer[] = [];
    for await (const chunk of response.chunks()) {
      received.push(chunk);
      // Slower than the socket: the response pauses the connection past 64 KiB unread, and resumes it.
      if (received.length % 4 === 0) await sleep(1);
    }
    expect(Buffer.concat(received).equals(body)).toBe(true);
  });

  it('joins a repeated header as node:http does, keeping set-cookie a list', async () => {
    handler = (_, response) => {
      response.setHeader('x-repeated', ['a', 'b']);
      response.setHeader('set-cookie', ['one=1', 'two=2']);
      response.end('{}');
    };
    const response = await send();
    expect(response.headers['x-repeated']).toBe('a, b');
    expect(response.headers['set-cookie']).toEqual(['one=1', 'two=2']);
    await response.text();
  });

  it('sends the URL\'s credentials as basic auth, unless the request has its own authorization', async () => {
    let seen: string | undefined;
    handler = (request, response) => {
      seen = request.headers.authorization;
      response.end('{}');
    };
    const withCredentials = `http://user:p%40ss@127.0.0.1:${new URL(base).port}/v1/echo`;
    await (await send({ url: withCredentials })).text();
    expect(seen).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    await (await send({ url: withCredentials, headers: { Authorization: 'Bearer own' } })).text();
    expect(seen).toBe('Bearer own');
  });

  it('rejects with the signal\'s reason when aborted before the headers, and drops the connection', async () => {
    handler = () => {};
    const controller = new AbortController();
    const closedBefore = closedConnections.length;
    const pending = send({ signal: controller.signal });
    await sleep(50);
    const reason = new Error('client left');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    for (let tries = 0; tries < 50 && closedConnections.length === closedBefore; tries++) await sleep(10);
    expect(closedConnections.length).toBeGreaterThan(closedBefore);
  });

  it('times out a body that stops, while it is read as text', async () => {
    handler = (_, response) => {
      response.writeHead(200);
      response.write('{"never":');
    };
    const response = await send({ idleTimeoutMs: 100 });
    const error = await response.text().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect((error as UpstreamTimeoutError).phase).toBe('idle');
  });
});
