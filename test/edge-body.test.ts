import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { bodyParser } from '@koa/bodyparser';
import express from 'express';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { routerMiddleware as expressRouter } from '@routekit/express';
import { routerMiddleware as koaRouter } from '@routekit/koa';
import { startGateway, type Framework, type RunningGateway } from './start-gateway.js';

// Issue 15, items 11 and 12: what a request body must be (JSON, declared as JSON, decodable, within
// the limit after decoding, not absurdly nested) and the 500s that were 400s.
const hello = JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] });
/** Compressed once: 8 MB of spaces inside a chat request, 125 times the gateway's 64 KB limit. */
const bomb = gzipSync(Buffer.concat([Buffer.from('{"model":"auto","messages":[{"role":"user","content":"'), Buffer.alloc(8_000_000, 0x20), Buffer.from('"}]}')]));
type ErrorBody = { error: { message: string; type: string; code: string; param: string | null; request_id: string } };

describe.each<Framework>(['express', 'koa'])('request bodies on the %s gateway', (framework) => {
  let mock: MockUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    mock = await startMockUpstream();
    gateway = await startGateway(framework, { providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], bodyLimitBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await gateway.close();
    await mock.close();
  });

  async function post(body: string | Uint8Array, headers: Record<string, string>) {
    const before = mock.requests.length;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as ErrorBody, reachedProvider: mock.requests.length > before };
  }

  it.each([
    ['text/plain (a cross-site "simple" request)', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['no content type', ''],
    ['a JSON look-alike', 'application/jsonp'],
    ['JSON in another charset', 'application/json; charset=utf-16'],
  ])('refuses %s with 415 before anything reaches a provider', async (_case, contentType) => {
    const answer = await post(hello, contentType === '' ? {} : { 'content-type': contentType });
    expect(answer.status).toBe(415);
    expect(answer.body.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type' });
    expect(answer.reachedProvider).toBe(false);
  });

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])('accepts %s', async (contentType) => {
    expect((await post(hello, { 'content-type': contentType })).status).toBe(200);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('decodes a %s body', async (encoding, compress) => {
    const answer = await post(compress(Buffer.from(hello)), { 'content-type': 'application/json', 'content-encoding': encoding });
    expect(answer.status).toBe(200);
    expect(answer.reachedProvider).toBe(true);
  });

  it('applies the body limit to the decoded size: an 8 KB gzip bomb of 8 MB is refused with 413', async () => {
    expect(bomb.length).toBeLessThan(64 * 1024);
    const answer = await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('body_too_large');
  });

  it('refuses an unknown content encoding with 415 and a corrupt one with 400', async () => {
    const unknown = await post(hello, { 'content-type': 'application/json', 'content-encoding': 'zstd' });
    expect(unknown.status).toBe(415);
    expect(unknown.body.error.code).toBe('unsupported_content_encoding');
    const corrupt = await post('not gzip at all', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.error.code).toBe('invalid_encoding');
  });

  it.each([
    ['an unknown field', (deep: string) => `{"model":"auto","messages":[{"role":"user","content":"hi"}],"x":${deep}}`],
    ['a tool schema', (deep: string) => `{"model":"auto","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"a":${deep}}}}]}`],
    ['the whole body', (deep: string) => deep],
  ])('answers JSON nested 5,000 deep in %s with 400, not 500', async (_case, place) => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const answer = await post(place(deep), { 'content-type': 'application/json' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('json_too_deep');
    const objects = await post(place('{"a":'.repeat(5000) + '1' + '}'.repeat(5000)), { 'content-type': 'application/json' });
    expect(objects.status).toBe(400);
  });

  it('still accepts a realistic nested tool schema', async () => {
    let schema: unknown = { type: 'string' };
    for (let level = 0; level < 20; level += 1) schema = { type: 'object', properties: { inner: schema } };
    const body = JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', parameters: schema } }] });
    expect((await post(body, { 'content-type': 'application/json' })).status).toBe(200);
  });

  it('answers a malformed percent-encoding in a path with 400, not 500', async () => {
    for (const path of ['/v1/receipts/%zz', '/v1/receipts/%E0%A4%A', '/v1/models/%zz']) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.code).toBe('invalid_path');
    }
  });
});

describe.each<Framework>(['express', 'koa'])("behind the %s app's own body parsers", (framework) => {
  let mock: MockUpstream;
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    mock = await startMockUpstream();
    const config = { providers: [{ id: 'openai', kind: 'openai' as const, baseUrl: mock.url }] };
    let server: Server;
    if (framework === 'express') {
      // A text parser first: without the Content-Type check its string would reach the gateway as the body.
      const app = express();
      app.use(express.json({ limit: '1mb' }), express.text({ type: 'text/plain' }));
      app.use(expressRouter(config));
      server = app.listen(0, '127.0.0.1');
    } else {
      const app = new Koa();
      app.use(bodyParser({ enableTypes: ['json', 'form', 'text'] }));
      app.use(koaRouter(config));
      server = app.listen(0, '127.0.0.1');
    }
    await new Promise<void>((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await close();
    await mock.close();
  });

  it('refuses a text or form body the framework already parsed with 415', async () => {
    for (const [contentType, body] of [['text/plain', hello], ['application/x-www-form-urlencoded', 'model=auto&messages=hi']]) {
      const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': contentType! }, body });
      expect(response.status).toBe(415);
    }
  });

  it('bounds the depth of a body the framework already parsed', async () => {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"model":"auto","messages":[{"role":"user","content":"hi"}],"x":${'['.repeat(5000)}${']'.repeat(5000)}}` });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('json_too_deep');
  });

  it('serves a JSON body the framework already parsed', async () => {
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: hello });
    expect(response.status).toBe(200);
  });
});
