import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { routerMiddleware } from '@routekit/express';
import { startMockUpstream } from '@routekit/core/testing';

// What the gateway adds to a request: the same chat request sent straight to the mock upstream
// (the baseline) and through routekit on Express (auto routing, receipts), measured in one run.
const requests = Number(process.env.BENCH_REQUESTS ?? 2000);
const mock = await startMockUpstream();
const app = express();
app.use(routerMiddleware({ providers: [{ id: 'openai', kind: 'openai', baseUrl: mock.url }], defaultModel: 'openai/gpt-4.1' }));
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
const agent = new Agent({ keepAlive: true, maxSockets: 8 });
const prompt = 'Summarise the plot of Hamlet in two sentences. '.repeat(40).slice(0, 2000);

function post(url: string, model: string): Promise<void> {
  const body = JSON.stringify({ model, messages: [{ role: 'user', content: prompt }] });
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${url}/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (incoming) => {
      incoming.resume();
      incoming.on('end', () => (incoming.statusCode === 200 ? resolve() : reject(new Error(`status ${incoming.statusCode}`))));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function measure(url: string, model: string): Promise<{ p50: number; p99: number; cpuMicros: number }> {
  for (let warm = 0; warm < 200; warm += 1) await post(url, model);
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let sent = 0; sent < requests; sent += 1) {
    const started = performance.now();
    await post(url, model);
    times.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]!, cpuMicros: (used.user + used.system) / requests };
}

const direct = await measure(mock.url, 'gpt-4.1-mini');
const routed = await measure(gatewayUrl, 'auto');
const format = (result: { p50: number; p99: number; cpuMicros: number }) => `p50 ${result.p50.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms, CPU ${result.cpuMicros.toFixed(0)} µs/request`;
console.log(`requests: ${requests} sequential, 2,000-character prompt, mock upstream in-process`);
console.log(`direct to upstream:   ${format(direct)}`);
console.log(`through the gateway:  ${format(routed)}`);
console.log(`ratio gateway/direct: p50 ${(routed.p50 / direct.p50).toFixed(2)}x, p99 ${(routed.p99 / direct.p99).toFixed(2)}x, CPU ${(routed.cpuMicros / direct.cpuMicros).toFixed(2)}x`);
console.log(`added per request:    p50 ${(routed.p50 - direct.p50).toFixed(3)} ms`);
agent.destroy();
server.close();
await mock.close();
