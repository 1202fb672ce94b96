import type { ServerResponse } from 'node:http';
import type { ChatChunk } from '@routekit/core';
import { toHttpError } from './error-body.js';

/**
 * Starts a server-sent events response. Its headers go out with the first event when that is
 * written at once: the engine answers with a stream only once its first chunk is in hand, so this
 * is one write to the socket before the client's first byte instead of two (a separate header
 * flush was ~7% of a streaming gateway's CPU, bench/gateway/profile-target.ts). When the first event
 * takes longer (a feature holding text back), the headers go out alone on the next turn of the
 * event loop, so a client never waits for a slow first token to see the status.
 */
export function startEventStream(response: ServerResponse, headers: Record<string, string>): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no', ...headers });
  setImmediate(() => {
    // `headersSent` is true from writeHead on; Node's `_headerSent` says whether they were written.
    if (!(response as ServerResponse & { _headerSent?: boolean })._headerSent && !response.writableEnded && !response.destroyed) response.flushHeaders();
  });
}

/**
 * Writes one event of a stream and returns what `write` returns (false: wait for `drained`). The
 * first event, which carries the headers, leaves at once: Node holds a response's writes until the
 * next tick, and the events that follow it are often already in hand, so without this the client's
 * first byte would wait until the gateway had translated all of them (0.2 ms on the benchmark's
 * short answers, more on long ones).
 */
export function writeEvent(response: ServerResponse, text: string): boolean {
  const first = !(response as ServerResponse & { _headerSent?: boolean })._headerSent;
  const flowing = response.write(text);
  // The write corked the socket; uncorking sends it now. Node's own uncork on the next tick then finds nothing corked.
  if (first) response.socket?.uncork();
  return flowing;
}

/**
 * Writes a chat stream as server-sent events, waiting for the socket to drain so a slow client
 * never makes the gateway buffer a whole answer. A failure after the first byte can no longer
 * change the status, so it goes out as an `error` event, as OpenAI does.
 */
export async function writeSse(response: ServerResponse, stream: AsyncIterable<ChatChunk>, requestId: string): Promise<void> {
  try {
    for await (const chunk of stream) {
      if (response.destroyed) break;
      if (!writeEvent(response, `data: ${JSON.stringify(chunk)}\n\n`)) await drained(response);
    }
    if (!response.destroyed) response.end('data: [DONE]\n\n');
  } catch (error) {
    if (response.destroyed) return;
    response.end(`data: ${JSON.stringify(toHttpError(error, requestId).body)}\n\n`);
  }
}

/** Resolves when the socket can take more, or is gone. */
export function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
