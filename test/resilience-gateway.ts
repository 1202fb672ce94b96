import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createUpstreamCall, Engine, ModelCatalog, type EngineOptions, type ProviderConfig, type Receipt } from '@routekit/core';
import { routerMiddleware } from '@routekit/express';

export interface ResilienceGateway {
  url: string;
  engine: Engine;
  server: Server;
  close(): Promise<void>;
}

/** An Express gateway over an engine built here, so a test can give it resilience options. */
export async function startResilienceGateway(providers: ProviderConfig[], options: Omit<EngineOptions, 'call' | 'catalog'> = {}): Promise<ResilienceGateway> {
  const engine = new Engine({ call: createUpstreamCall({ providers }), catalog: new ModelCatalog({ providers: providers.map((provider) => provider.id) }), ...options });
  const app = express();
  app.use(routerMiddleware({ engine }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    engine,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}

export interface ChatAnswer {
  status: number;
  headers: Headers;
  body: { error?: { code: string; message: string; type: string; param: string | null }; choices?: { message: { content: string } }[]; 'x-routekit'?: Receipt };
}

/** POSTs a JSON chat request. */
export async function chat(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ChatAnswer> {
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ChatAnswer['body'] };
}

export interface StreamAnswer {
  status: number;
  requestId: string;
  /** The `data:` payloads, parsed, except `[DONE]`. */
  events: Array<{ choices?: { delta: { content?: string } }[]; error?: { code: string; message: string } }>;
  done: boolean;
  text: string;
}

/** POSTs a streamed chat request and reads the whole event stream. */
export async function chatStream(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<StreamAnswer> {
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ ...body, stream: true }) });
  const raw = await response.text();
  const payloads = raw
    .split('\n\n')
    .map((block) => block.trim())
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
  const events = payloads.filter((payload) => payload !== '[DONE]').map((payload) => JSON.parse(payload) as StreamAnswer['events'][number]);
  const text = events.map((event) => event.choices?.map((choice) => choice.delta.content ?? '').join('') ?? '').join('');
  return { status: response.status, requestId: response.headers.get('x-request-id') ?? '', events, done: payloads.includes('[DONE]'), text };
}

/** The stored receipt of a request. */
export async function receiptOf(url: string, id: string): Promise<Receipt> {
  const response = await fetch(`${url}/v1/receipts/${id}`);
  return (await response.json()) as Receipt;
}
