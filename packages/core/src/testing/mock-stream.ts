import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/** One SSE event of a mock stream; `content` events carry tokens and are paced and counted. */
export interface WireEvent {
  text: string;
  content: boolean;
}

/** How fast the mock answers. */
export interface Pacing {
  timeToFirstTokenMs: number;
  tokensPerSecond: number | undefined;
}

/** Starts an SSE answer the way OpenAI and Anthropic do. */
export function startEventStream(response: ServerResponse, headers: Record<string, string>): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
  response.flushHeaders();
}

/**
 * Writes events with the configured pacing, then ends the response. With `cutAfterChunks`, the
 * socket is destroyed once that many content events are out, before anything that follows.
 */
export async function writeEvents(response: ServerResponse, events: WireEvent[], pacing: Pacing, cutAfterChunks?: number): Promise<void> {
  const lastContent = events.findLastIndex((event) => event.content);
  const interval = pacing.tokensPerSecond === undefined ? 0 : 1000 / pacing.tokensPerSecond;
  let contentWritten = 0;
  for (const [index, event] of events.entries()) {
    if (cutAfterChunks !== undefined && contentWritten >= cutAfterChunks && (event.content || index > lastContent)) {
      response.socket?.destroy();
      return;
    }
    const wait = index === 0 ? pacing.timeToFirstTokenMs : event.content && contentWritten > 0 ? interval : 0;
    if (wait > 0) await delay(wait);
    if (!(await write(response, event.text))) return;
    if (event.content) contentWritten += 1;
  }
  response.end();
}

/** Waits for the time a non-streamed answer of `pieces` tokens takes to generate. */
export async function waitForGeneration(pieces: number, pacing: Pacing): Promise<void> {
  const total = pacing.timeToFirstTokenMs + (pacing.tokensPerSecond === undefined ? 0 : (Math.max(0, pieces - 1) * 1000) / pacing.tokensPerSecond);
  if (total > 0) await delay(total);
}

/** Writes and waits until the data is handed to the socket; false once the client is gone. */
export function write(response: ServerResponse, text: string): Promise<boolean> {
  if (response.destroyed || response.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => resolve(false);
    response.once('close', onClose);
    response.write(text, (error) => {
      response.off('close', onClose);
      resolve(error == null);
    });
  });
}

/** Sends a whole JSON body, or only its first half before destroying the socket (a cut answer). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, cut = false): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  if (!cut) {
    response.end(text);
    return;
  }
  response.write(text.slice(0, Math.floor(text.length / 2)), () => response.socket?.destroy());
}
