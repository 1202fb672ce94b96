import { createServer } from 'node:http';
import { startMockUpstream } from '@routekit/core/testing';
import { toWebRequest, writeWebResponse } from './node-bridge.js';

// Serves the route handler on node:http, so the example runs without a Next.js build.
if (!process.env.OPENAI_API_KEY) {
  const mock = await startMockUpstream({ tokensPerSecond: 30 });
  process.env.ROUTEKIT_MOCK_URL = mock.url;
  console.warn(`OPENAI_API_KEY is not set: demo mode, answers come from routekit's mock upstream at ${mock.url}.`);
}
// Imported only now: the route's provider reads the environment when it loads, as in Next.js.
const { POST } = await import('./app/api/chat/route.js');

const port = Number(process.env.PORT ?? 3000);
const server = createServer((incoming, outgoing) => {
  if (incoming.method !== 'POST' || incoming.url !== '/api/chat') {
    outgoing.writeHead(404, { 'content-type': 'text/plain' }).end('POST /api/chat\n');
    return;
  }
  toWebRequest(incoming, outgoing, port)
    .then(POST)
    .then((response) => writeWebResponse(response, outgoing))
    .catch((error: unknown) => {
      console.error('chat request failed:', error instanceof Error ? error.message : error);
      if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain' });
      outgoing.end();
    });
});
server.listen(port, '127.0.0.1', () => {
  console.log(`POST http://127.0.0.1:${port}/api/chat, e.g.:`);
  console.log(`curl -N http://127.0.0.1:${port}/api/chat -H 'content-type: application/json' -d '{"messages":[{"id":"1","role":"user","parts":[{"type":"text","text":"What is the capital of France?"}]}]}'`);
});
