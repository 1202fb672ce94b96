import type { ServerResponse } from 'node:http';
import type { ChatChunk } from '@routekit/core';
import { toHttpError } from './error-body.js';

/**
 * Writes a chat stream as server-sent events, waiting for the socket to drain so a slow client
 * never makes the gateway buffer a whole answer. A failure after the first byte can no longer
 * change the status, so it goes out as an `error` event, as OpenAI does.
 */
export async function writeSse(response: ServerResponse, stream: AsyncIterable<ChatChunk>, requestId: string): Promise<void> {
  try {
    for await (const chunk of stream) {
      if (response.destroyed) break;
      if (!response.write(`data: ${JSON.stringify(chunk)}\n\n`)) await drained(response);
    }
    if (!response.destroyed) response.end('data: [DONE]\n\n');
  } catch (error) {
    if (response.destroyed) return;
    response.end(`data: ${JSON.stringify(toHttpError(error, requestId).body)}\n\n`);
  }
}

/** Resolves when the socket can take more (or the client left). */
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
