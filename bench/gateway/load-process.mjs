// The load for `gateway-instructions.mjs`, in a process of its own so that callgrind counts only the
// gateway: `node load-process.mjs <url> <model> <requests> [chat|responses|messages] [stream]` sends
// the requests 10 at a time on kept-alive sockets, each with a different 2,000-character prompt (so
// no cache answers it), and exits 0 when all were answered 200.
import { Agent, request } from 'node:http';

const [url, model, count, api = 'chat', stream = ''] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 10 });
const prompt = 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000);
const path = { chat: '/chat/completions', responses: '/responses', messages: '/messages' }[api];
let sequence = 0;

function bodyOf() {
  sequence += 1;
  const text = `${prompt} (${process.pid}:${sequence})`;
  if (api === 'responses') return { model, stream: stream === 'stream', input: text };
  if (api === 'messages') return { model, max_tokens: 1024, stream: stream === 'stream', messages: [{ role: 'user', content: text }] };
  return { model, stream: stream === 'stream', messages: [{ role: 'user', content: text }] };
}

function send() {
  const body = JSON.stringify(bodyOf());
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(api === 'messages' && { 'anthropic-version': '2023-06-01' }) };
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}${path}`, { method: 'POST', agent, headers }, (incoming) => {
      incoming.resume();
      incoming.on('end', () => (incoming.statusCode === 200 ? resolve() : reject(new Error(`status ${incoming.statusCode}`))));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

let left = Number(count);
await Promise.all(
  Array.from({ length: 10 }, async () => {
    while (left-- > 0) await send();
  }),
);
agent.destroy();
