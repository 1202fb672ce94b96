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

/** Where a request goes, as node:http takes it: parsed once per URL, not once per request. */
export interface UpstreamTarget {
  https: boolean;
  hostname: string;
  port: string;
  path: string;
  /** `user:password` from the URL, as node:http sends it (basic auth). */
  auth?: string;
}

const targets = new Map<string, UpstreamTarget>();

/** The target of `url` (a provider's base URL and a path), remembered for the next request to it. */
export function upstreamTarget(url: string): UpstreamTarget {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    target = { https: parsed.protocol === 'https:', hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port, path: `${parsed.pathname}${parsed.search}`, ...(parsed.username !== '' && { auth: `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` }) };
    // Providers are configured, so this holds a handful of URLs; the bound only guards against a config that makes them up.
    if (targets.size >= 1000) targets.clear();
    targets.set(url, target);
  }
  return target;
}

export interface UpstreamRequestOptions {
  target: UpstreamTarget;
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
  const { target, signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const deadline = performance.now() + options.timeoutMs;
  return new Promise((resolve, reject) => {
    const request = (target.https ? https : http).request({
      method: 'POST',
      hostname: target.hostname,
      ...(target.port !== '' && { port: target.port }),
      path: target.path,
      ...(target.auth !== undefined && { auth: target.auth }),
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
      agent: target.https ? options.agents.https : options.agents.http,
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
    let timer = this.#expire('response');
    try {
      for await (const chunk of response) {
        clearTimeout(timer);
        // Armed before yielding, so that a stream nobody reads any more is still torn down.
        timer = this.#expire('idle');
        yield chunk as Buffer;
      }
    } finally {
      clearTimeout(timer);
      this.#release();
      if (!response.complete) this.discard();
    }
  }

  /**
   * Reads the whole body as UTF-8 text, under the same deadline and idle timeout as `chunks()`.
   * Events rather than `chunks()`: a stream's async iterator costs more per JSON answer than
   * everything else the upstream client does.
   */
  text(): Promise<string> {
    const response = this.#response;
    if (response.destroyed) {
      this.discard();
      return Promise.reject(response.errored ?? new Error('aborted'));
    }
    return new Promise<string>((resolve, reject) => {
      const parts: Buffer[] = [];
      let timer = this.#expire('response');
      const finish = (error?: Error) => {
        clearTimeout(timer);
        response.off('data', onData).off('end', onEnd).off('error', finish).off('close', onClose);
        this.#release();
        if (error === undefined) resolve(Buffer.concat(parts).toString('utf8'));
        else {
          if (!response.complete) this.discard();
          reject(error);
        }
      };
      const onData = (chunk: Buffer) => {
        clearTimeout(timer);
        timer = this.#expire('idle');
        parts.push(chunk);
      };
      const onEnd = () => finish();
      // A socket that closes before the end ('aborted' responses) emits no error of its own.
      const onClose = () => finish(response.errored ?? new Error('aborted'));
      response.on('data', onData).on('end', onEnd).on('error', finish).on('close', onClose);
    });
  }

  /** Destroys the response when the first byte (`response`: the request's deadline) or the next chunk (`idle`) is late. */
  #expire(phase: 'response' | 'idle'): ReturnType<typeof setTimeout> {
    const milliseconds = phase === 'response' ? Math.max(0, Math.round(this.#deadline - performance.now())) : this.#idleTimeoutMs;
    return setTimeout(() => this.#response.destroy(new UpstreamTimeoutError(phase, milliseconds)), milliseconds);
  }

  /** Drops the connection without reading further. */
  discard(): void {
    this.#release();
    this.#response.destroy();
    this.#request.destroy();
  }
}
