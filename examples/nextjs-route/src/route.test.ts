import { startMockUpstream, type MockUpstream } from '@routekit/core/testing';
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toWebRequest, writeWebResponse } from './node-bridge.js';

let mock: MockUpstream;
let POST: (request: Request) => Promise<Response>;
beforeAll(async () => {
  mock = await startMockUpstream({ reply: (request) => `Echo from ${request.model}: ${JSON.stringify(request.messages.at(-1)?.content)}` });
  process.env.ROUTEKIT_MOCK_URL = mock.url;
  ({ POST } = await import('./app/api/chat/route.js'));
});
afterAll(async () => {
  delete process.env.ROUTEKIT_MOCK_URL;
  await mock.close();
});

/** What `useChat` receives: the SSE events of the UI message stream, assembled into the final message. */
async function chat(text: string): Promise<{ response: Response; events: UIMessageChunk[]; message: UIMessage }> {
  const body = { messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }] };
  const response = await POST(new Request('http://127.0.0.1/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  const sse = await response.text();
  const events = sse
    .split('\n\n')
    .map((event) => event.replace(/^data: /, '').trim())
    .filter((data) => data !== '' && data !== '[DONE]')
    .map((data) => JSON.parse(data) as UIMessageChunk);
  let message: UIMessage | undefined;
  const stream = new ReadableStream<UIMessageChunk>({ start: (controller) => (events.forEach((event) => controller.enqueue(event)), controller.close()) });
  for await (const update of readUIMessageStream({ stream })) message = update;
  return { response, events, message: message! };
}

describe('app/api/chat/route.ts POST', () => {
  it('streams a UI message from the routed model, with which model answered in the metadata', async () => {
    const { response, events, message } = await chat('What is the capital of France?');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(events.filter((event) => event.type === 'text-delta').length).toBeGreaterThan(1);
    expect(message.parts.find((part) => part.type === 'text')).toMatchObject({ text: 'Echo from gpt-4.1-mini: "What is the capital of France?"' });
    expect(message.metadata).toMatchObject({ model: 'openai/gpt-4.1-mini', cache: 'miss' });
  });

  it('redacts PII on the way out and restores it in the stream', async () => {
    const { message } = await chat('Email ana@example.com the summary');
    expect(JSON.stringify(mock.requests.at(-1)?.body)).not.toContain('ana@example.com');
    expect(message.parts.find((part) => part.type === 'text')).toMatchObject({ text: 'Echo from gpt-4.1-mini: "Email ana@example.com the summary"' });
  });

  it('answers a repeated question from the cache without calling the upstream', async () => {
    await chat('Name the largest planet.');
    const before = mock.requests.length;
    const { message } = await chat('Name the largest planet.');
    expect(mock.requests.length).toBe(before);
    expect(message.metadata).toMatchObject({ cache: 'hit' });
  });

  it('is served over node:http the way `npm start` serves it', async () => {
    const server = createServer((incoming, outgoing) => {
      void toWebRequest(incoming, outgoing, 0).then(POST).then((response) => writeWebResponse(response, outgoing));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const body = { messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'Hello over HTTP' }] }] };
      const response = await fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const text = await response.text();
      expect(text).toContain('"type":"text-delta"');
      expect(text).toContain('data: [DONE]');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
