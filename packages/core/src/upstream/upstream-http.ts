import type { IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import { UpstreamTimeoutError } from './provider-failure.js';

const require = createRequire(import.meta.url);

/** Kept-alive connections to the providers, shared by every request of one upstream client. */
export type UpstreamPool = Dispatcher;

/**
 * undici's dispatcher rather than node:http's agents: a JSON call through it costs about half the
 * CPU of `http.request` (no ClientRequest, IncomingMessage or stream per call), which was the
 * largest share of the gateway's own work. Idle pooled sockets are closed after 4 s, below the 5 s
 * keep-alive of Node servers, so a pooled socket is not reused just as the server closes it (a
 * server's `Keep-Alive: timeout=` hint is honoured too). undici's own header and body timeouts are
 * off: the deadline and idle timeout below are the provider's.
 */
export function createUpstreamPool(): UpstreamPool {
  // Loaded here rather than with the module: an app that routes between its framework's own models
  // imports the core without ever calling a provider itself. And only the dispatcher, not undici's
  // index: that loads its fetch, WebSocket and cookies too, whose set-up reads the global `Headers`
  // and `ReadableStream` and so loads Node's own bundled copy of undici as well (with the index:
  // 108 ms of CPU and 32 MB of RSS; with the Agent alone: 48 ms and 17 MB).
  const Agent = require('undici/lib/dispatcher/agent.js') as typeof import('undici').Agent;
  return new Agent({ keepAliveTimeout: 4000, headersTimeout: 0, bodyTimeout: 0, connections: null });
}

/** Where a request goes: parsed once per URL, not once per request. */
export interface UpstreamTarget {
  /** `http(s)://host[:port]`, as undici takes it. */
  origin: string;
  path: string;
  /** `user:password` from the URL, sent as basic auth when the request has no `authorization` of its own. */
  auth?: string;
}

const targets = new Map<string, UpstreamTarget>();

/** The target of `url` (a provider's base URL and a path), remembered for the next request to it. */
export function upstreamTarget(url: string): UpstreamTarget {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    target = {
      origin: parsed.origin,
      path: `${parsed.pathname}${parsed.search}`,
      ...(parsed.username !== '' && { auth: `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` }),
    };
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
  pool: UpstreamPool;
  /** Time allowed for the response headers and the first body byte. */
  timeoutMs: number;
  /** Time allowed between two body chunks after the first. */
  idleTimeoutMs: number;
  /** Ends the request (and its response) when aborted. */
  signal: AbortSignal;
}

/**
 * Sends a POST and resolves once the response headers arrive. Rejects with an
 * UpstreamTimeoutError, a connection error, or the signal's reason when aborted.
 */
export function sendUpstreamRequest(options: UpstreamRequestOptions): Promise<UpstreamResponse> {
  const { target, signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const deadline = performance.now() + options.timeoutMs;
  const headers = target.auth !== undefined && !hasHeader(options.headers, 'authorization') ? { ...options.headers, authorization: `Basic ${Buffer.from(target.auth).toString('base64')}` } : options.headers;
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let response: UpstreamResponse | undefined;
    // Set once the promise is settled without a response (a timeout, an abort, a failure).
    let given: Error | undefined;
    const stop = (error: Error) => {
      if (response !== undefined) return response.fail(error);
      if (given === undefined) {
        given = error;
        release();
        reject(signal.aborted ? signal.reason : error);
      }
      // A request still queued for a connection has no controller yet: it is ended when it gets one.
      controller?.abort(error);
    };
    const onAbort = () => stop(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop(new UpstreamTimeoutError('response', options.timeoutMs)), options.timeoutMs);
    const release = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    options.pool.dispatch(
      { origin: target.origin, path: target.path, method: 'POST', headers, body: options.body },
      {
        onRequestStart(started) {
          controller = started;
          if (given !== undefined) started.abort(given);
        },
        onResponseStart(started, status, responseHeaders) {
          // 1xx answers are informational; the response follows.
          if (status < 200 || given !== undefined) return;
          clearTimeout(timer);
          response = new UpstreamResponse({ controller: started, status, headers: nodeStyleHeaders(responseHeaders), deadline, idleTimeoutMs: options.idleTimeoutMs, release });
          resolve(response);
        },
        onResponseData(_, chunk) {
          response?.push(chunk);
        },
        onResponseEnd() {
          response?.end();
        },
        onResponseError(_, error) {
          if (response !== undefined) response.fail(error);
          else stop(error);
        },
      },
    );
  });
}

/** A response whose headers have arrived; its body is read once, as text or as chunks. */
export class UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly #controller: Dispatcher.DispatchController;
  readonly #deadline: number;
  readonly #idleTimeoutMs: number;
  readonly #release: () => void;
  /** Chunks that arrived and were not read yet. */
  #queued: Buffer[] = [];
  #queuedBytes = 0;
  #ended = false;
  #error: Error | undefined;
  /** The reader waiting for the next chunk, the end or a failure. */
  #wake: (() => void) | undefined;
  /** The reader's deadline for the first byte or the next chunk. */
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(parts: { controller: Dispatcher.DispatchController; status: number; headers: IncomingHttpHeaders; deadline: number; idleTimeoutMs: number; release: () => void }) {
    this.#controller = parts.controller;
    this.#deadline = parts.deadline;
    this.#idleTimeoutMs = parts.idleTimeoutMs;
    this.#release = parts.release;
    this.status = parts.status;
    this.headers = parts.headers;
  }

  /** A body chunk from the connection. Past 64 KiB unread, the connection is paused until the reader catches up. */
  push(chunk: Buffer): void {
    this.#queued.push(chunk);
    this.#queuedBytes += chunk.length;
    if (this.#queuedBytes > 65_536) this.#controller.pause();
    this.#notify();
  }

  /** The body is complete. */
  end(): void {
    this.#ended = true;
    this.#release();
    this.#notify();
  }

  /** The body failed, timed out or was aborted: the reader gets `error`, the connection is dropped. */
  fail(error: Error): void {
    if (this.#ended || this.#error !== undefined) return;
    this.#error = error;
    this.#release();
    this.#controller.abort(error);
    this.#notify();
  }

  /**
   * Yields the body's chunks. The first must come before the request's deadline, each next one
   * within the idle timeout. Stopping early, failing or aborting drops the connection.
   */
  async *chunks(): AsyncGenerator<Buffer> {
    this.#expire('response');
    try {
      for (;;) {
        const chunk = this.#queued.shift();
        if (chunk !== undefined) {
          this.#queuedBytes -= chunk.length;
          if (this.#controller.paused && this.#queuedBytes <= 16_384) this.#controller.resume();
          // Armed before yielding, so that a stream nobody reads any more is still torn down.
          this.#expire('idle');
          yield chunk;
          continue;
        }
        if (this.#error !== undefined) throw this.#error;
        if (this.#ended) return;
        await this.#arrival();
      }
    } finally {
      clearTimeout(this.#timer);
      if (!this.#ended) this.discard();
    }
  }

  /** Reads the whole body as UTF-8 text, under the same deadline and idle timeout as `chunks()`. */
  async text(): Promise<string> {
    // A JSON answer has usually arrived whole by the time it is read.
    if (this.#ended && this.#error === undefined) return this.#take().toString('utf8');
    this.#expire('response');
    const parts: Buffer[] = [];
    try {
      for (;;) {
        if (this.#queued.length > 0) {
          parts.push(this.#take());
          this.#expire('idle');
        }
        if (this.#error !== undefined) throw this.#error;
        if (this.#ended) return (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('utf8');
        await this.#arrival();
      }
    } finally {
      clearTimeout(this.#timer);
    }
  }

  /** Drops the connection without reading further. */
  discard(): void {
    if (this.#ended || this.#error !== undefined) return;
    this.fail(new Error('discarded'));
  }

  /** The chunks queued so far, as one buffer. */
  #take(): Buffer {
    const queued = this.#queued;
    this.#queued = [];
    this.#queuedBytes = 0;
    if (this.#controller.paused) this.#controller.resume();
    return queued.length === 1 ? queued[0]! : Buffer.concat(queued);
  }

  /** Fails the response when the first byte (`response`: the request's deadline) or the next chunk (`idle`) is late. */
  #expire(phase: 'response' | 'idle'): void {
    clearTimeout(this.#timer);
    const milliseconds = phase === 'response' ? Math.max(0, Math.round(this.#deadline - performance.now())) : this.#idleTimeoutMs;
    this.#timer = setTimeout(() => this.fail(new UpstreamTimeoutError(phase, milliseconds)), milliseconds);
  }

  /** Resolves at the next chunk, the end or a failure. */
  #arrival(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  for (const key in headers) if (key.toLowerCase() === name) return true;
  return false;
}

/**
 * undici gives a header that came more than once as a list; node:http joins most with `, `
 * (set-cookie stays a list), which is what the readers of these headers expect.
 */
function nodeStyleHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (Array.isArray(value) && name !== 'set-cookie') headers[name] = value.join(', ');
  }
  return headers;
}
