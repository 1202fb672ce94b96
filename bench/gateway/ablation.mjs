import express from 'express';
import { createServer, Agent, request as httpRequest } from 'node:http';
import { routerMiddleware as expressRouter } from '@routekit/express';
import { createGateway } from '@routekit/http';
import { createBareProxy } from './bare-proxy.mjs';
import { createUpstreamCall, ModelCatalog } from '@routekit/core';
const [target, upstreamUrl] = process.argv.slice(2);
const providers = [{ id: 'openai', kind: 'openai', baseUrl: upstreamUrl }];
const config = { providers, defaultModel: 'openai/gpt-4.1', ...(process.env.NOLOG && { logger: false }) };
const upstream = new URL(upstreamUrl);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
function readBody(req) { return new Promise((resolve) => { const chunks = []; req.on('data', (c) => chunks.push(c)); req.on('end', () => resolve(Buffer.concat(chunks).toString())); }); }
async function minimal(req, res) {
  const body = JSON.parse(await readBody(req));
  const text = JSON.stringify({ ...body, model: 'gpt-4.1-mini' });
  const answer = await new Promise((resolve, reject) => {
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: 'POST', path: `${upstream.pathname}/chat/completions`, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }, agent }, async (incoming) => resolve(JSON.parse(await readBody(incoming))));
    out.on('error', reject); out.end(text);
  });
  const reply = JSON.stringify(answer);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
  res.end(reply);
}
let server;
const upstreamCall = createUpstreamCall({ providers });
const catalogModel = new ModelCatalog().resolve('openai/gpt-4.1-mini');
async function viaUpstreamCall(req, res) {
  const body = JSON.parse(await readBody(req));
  const controller = new AbortController();
  const result = await upstreamCall({ exchange: { tenant: 'default' }, model: catalogModel, request: { ...body, model: 'gpt-4.1-mini' }, index: 0 }, controller.signal);
  const reply = JSON.stringify(result.response);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
  res.end(reply);
}
if (target === 'bare-proxy') server = createBareProxy(upstreamUrl).listen(0, '127.0.0.1');
else if (target === 'node-min') server = createServer(minimal).listen(0, '127.0.0.1');
else if (target === 'node-upstream') server = createServer(viaUpstreamCall).listen(0, '127.0.0.1');
else if (target === 'express-min') { const app = express(); app.post('/v1/chat/completions', minimal); server = app.listen(0, '127.0.0.1'); }
else if (target === 'express-routekit') { const app = express(); app.use(expressRouter(config)); server = app.listen(0, '127.0.0.1'); }
else if (target === 'node-routekit') { const bridge = createGateway(config); server = createServer((q, s) => void bridge.handle(q, s)).listen(0, '127.0.0.1'); }
if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
process.send({ port: server.address().port });
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => { if (m === 'mem') { const before = process.memoryUsage(); globalThis.gc?.(); process.send({ before, after: process.memoryUsage() }); } });
