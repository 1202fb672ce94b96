import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { UpstreamTimeoutError } from './provider-failure.js';

/** Keep-alive agents shared by every request of one upstream client. */
export interface KeepAliveAgents {
  http: http.Agent;
  https: https.Agent;
}

/**
 * Idle pooled sockets are closed after 4 s, below the 5 s keep-alive of Node servers, so a pooled
 * socket is not reused just as the server closes it (Node also honours `Keep-Alive: timeout=`).
 */
export function createKeepAliveAgents(): KeepAliveAgents {
  const options = { keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 256, timeout: 4000, scheduling: 'lifo' as const };
  return { http: new http.Agent(options), https: new https.Agent(options) };
}

export interface UpstreamRequestOptions {
  url: URL;
  headers: Record<string, string>;
  body: string;
  agents: KeepAliveAgents;
  /** Time allowed for the response headers and the first body byte. */
  timeoutMs: number;
  /** Time allowed between two body chunks after the first. */
  idleTimeoutMs: number;
  /** Destroys the request (and its response) when aborted. */
  signal: AbortSignal;
}

/**
 * Sends a POST and resolves once the response headers arrive. Rejects with an
 * UpstreamTimeoutError, a socket error, or the signal's reason when aborted.
 */
export function sendUpstreamRequest(options: UpstreamRequestOptions): Promise<UpstreamResponse> {
  const { url, signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const deadline = performance.now() + options.timeoutMs;
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
      agent: url.protocol === 'https:' ? options.agents.https : options.agents.http,
    });
    let response: IncomingMessage | undefined;
    const destroy = (error: Error) => {
      request.destroy(error);
      response?.destroy(error);
    };
    const onAbort = () => destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => destroy(new UpstreamTimeoutError('response', options.timeoutMs)), options.timeoutMs);
    const release = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    request.on('error', (error) => {
      if (response !== undefined) return;
      release();
      reject(signal.aborted ? signal.reason : error);
    });
    request.on('response', (incoming) => {
      response = incoming;
      clearTimeout(timer);
      // Errors surface through the body iterator; this listener only keeps an unread body from crashing the process.
      incoming.on('error', () => {});
      resolve(new UpstreamResponse({ request, response: incoming, deadline, idleTimeoutMs: options.idleTimeoutMs, release }));
    });
    request.end(options.body);
  });
}

/** A response whose headers have arrived; its body is read once, as text or as chunks. */
export class UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly #request: http.ClientRequest;
  readonly #response: IncomingMessage;
  readonly #deadline: number;
  readonly #idleTimeoutMs: number;
  readonly #release: () => void;

  constructor(parts: { request: http.ClientRequest; response: IncomingMessage; deadline: number; idleTimeoutMs: number; release: () => void }) {
    this.#request = parts.request;
    this.#response = parts.response;
    this.#deadline = parts.deadline;
    this.#idleTimeoutMs = parts.idleTimeoutMs;
    this.#release = parts.release;
    this.status = parts.response.statusCode ?? 0;
    this.headers = parts.response.headers;
  }

  /**
   * Yields the body's chunks. The first must come before the request's deadline, each next one
   * within the idle timeout. Stopping early, failing or aborting destroys the connection.
   */
  async *chunks(): AsyncGenerator<Buffer> {
    const response = this.#response;
    const expire = (phase: 'response' | 'idle', milliseconds: number) => setTimeout(() => response.destroy(new UpstreamTimeoutError(phase, milliseconds)), milliseconds);
    let timer = expire('response', Math.max(0, Math.round(this.#deadline - performance.now())));
    try {
      for await (const chunk of response) {
        clearTimeout(timer);
        // Armed before yielding, so that a stream nobody reads any more is still torn down.
        timer = expire('idle', this.#idleTimeoutMs);
        yield chunk as Buffer;
      }
    } finally {
      clearTimeout(timer);
      this.#release();
      if (!response.complete) this.discard();
    }
  }

  /** Reads the whole body as UTF-8 text. */
  async text(): Promise<string> {
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks()) parts.push(chunk);
    return Buffer.concat(parts).toString('utf8');
  }

  /** Drops the connection without reading further. */
  discard(): void {
    this.#release();
    this.#response.destroy();
    this.#request.destroy();
  }
}
