import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';

/** Where a target takes chat completions, and the headers it needs (Portkey's name the provider). */
export interface Endpoint {
  url: string;
  headers: Record<string, string>;
  model: string;
  /** The API the load speaks: chat completions (default), Anthropic's Messages API or OpenAI's Responses API. */
  api?: 'chat' | 'messages' | 'responses';
}

const headersOf = (endpoint: Endpoint) => ({ ...endpoint.headers, 'content-type': 'application/json', ...(endpoint.api === 'messages' && { 'anthropic-version': '2023-06-01' }) });

const prompt = 'Summarise the plot of Hamlet in two sentences, then name its three main themes. '.repeat(25).slice(0, 2000);
let sequence = 0;

/** A chat body; each one differs (a counter at the end) so no cache answers the benchmark. */
export function chatBody(model: string, stream = false, api: Endpoint['api'] = 'chat'): string {
  sequence += 1;
  const messages = [{ role: 'user', content: `${prompt} (${sequence})` }];
  // Anthropic requires max_tokens; the mock's answer is far shorter than this.
  return JSON.stringify(api === 'messages' ? { model, max_tokens: 1024, stream, messages } : { model, stream, messages });
}

/** The same prompt as a Responses API body (`input`), for the Responses rows. */
export function responsesBody(model: string, stream = false): string {
  sequence += 1;
  return JSON.stringify({ model, stream, input: `${prompt} (${sequence})` });
}

/** The path and a fresh body of the endpoint's API. */
function requestOf(endpoint: Endpoint, stream = false): { path: string; body: string } {
  if (endpoint.api === 'responses') return { path: '/responses', body: responsesBody(endpoint.model, stream) };
  return { path: endpoint.api === 'messages' ? '/messages' : '/chat/completions', body: chatBody(endpoint.model, stream, endpoint.api) };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One request; resolves with the time to the first body byte and to the end, in ms. */
export function send(endpoint: Endpoint, stream = false): Promise<{ firstByteMs: number; totalMs: number }> {
  const { path, body } = requestOf(endpoint, stream);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${endpoint.url}${path}`, { method: 'POST', agent, headers: { ...headersOf(endpoint), 'content-length': Buffer.byteLength(body) } }, (incoming) => {
      let firstByteMs = 0;
      incoming.on('data', () => {
        if (firstByteMs === 0) firstByteMs = performance.now() - started;
      });
      incoming.on('end', () => (incoming.statusCode === 200 ? resolve({ firstByteMs, totalMs: performance.now() - started }) : reject(new Error(`status ${incoming.statusCode} from ${endpoint.url}`))));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Latencies of `count` requests sent by `concurrency` loops at once, in ms, sorted. */
export async function latencies(endpoint: Endpoint, count: number, concurrency: number, stream = false): Promise<number[]> {
  const times: number[] = [];
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left -= 1;
        const result = await send(endpoint, stream);
        times.push(stream ? result.firstByteMs : result.totalMs);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

export function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;
}

/** Requests per second autocannon reaches at `connections` for `seconds`, and how many it sent. */
export async function throughput(endpoint: Endpoint, connections: number, seconds: number): Promise<{ requestsPerSecond: number; requests: number; errors: number }> {
  const result = await autocannon({
    url: `${endpoint.url}${requestOf(endpoint).path}`,
    connections,
    duration: seconds,
    requests: [{ method: 'POST', headers: headersOf(endpoint), setupRequest: (request: Record<string, unknown>) => ({ ...request, body: requestOf(endpoint).body }) }],
  });
  return { requestsPerSecond: result.requests.average, requests: result.requests.total, errors: result.errors + result.non2xx };
}
