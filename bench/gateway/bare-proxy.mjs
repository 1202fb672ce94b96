import { Agent, createServer, request as httpRequest } from 'node:http';

/**
 * The floor for any Node gateway: node:http in, node:http out, bytes piped both ways, nothing
 * parsed. Whatever a gateway adds above this is its own work.
 */
export function createBareProxy(upstreamUrl) {
  const upstream = new URL(upstreamUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  return createServer((incoming, outgoing) => {
    const path = `${upstream.pathname.replace(/\/v1$/, '')}${incoming.url}`;
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path, headers: incoming.headers, agent }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
}
