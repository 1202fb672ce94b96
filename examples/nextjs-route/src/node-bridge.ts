import type { IncomingMessage, ServerResponse } from 'node:http';

/** A node:http request as the web `Request` a route handler takes; closing the connection aborts it. */
export async function toWebRequest(incoming: IncomingMessage, outgoing: ServerResponse, port: number): Promise<Request> {
  const controller = new AbortController();
  outgoing.on('close', () => controller.abort());
  const body = Buffer.concat(await incoming.toArray());
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers.set(name, value);
  return new Request(`http://127.0.0.1:${port}${incoming.url ?? '/'}`, { method: incoming.method, headers, body, signal: controller.signal });
}

/** Writes a web `Response` (a UI message stream) to node:http as it comes. */
export async function writeWebResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) for await (const chunk of response.body) outgoing.write(chunk);
  outgoing.end();
}
