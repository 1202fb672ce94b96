import type { ChatResult } from './chat-result.js';
import type { Attempt, Exchange } from './exchange.js';

/**
 * A feature on the request path. Like AI SDK middleware, it may change the request before it
 * goes on, and wrap what comes back (a response or a stream); one `compose` stacks them.
 */
export interface EngineMiddleware {
  readonly name: string;
  /** Once per request, around routing and every attempt: rate limits, PII, caches. */
  wrapRequest?(exchange: Exchange, next: () => Promise<ChatResult>): Promise<ChatResult>;
  /** Once per attempt, around the call to one model: spend reservations, latency tracking. */
  wrapCall?(attempt: Attempt, next: () => Promise<ChatResult>): Promise<ChatResult>;
}

/** Calls one model. The gateway's is the upstream HTTP client; framework adapters pass their own. */
export type ModelCall = (attempt: Attempt, signal: AbortSignal) => Promise<ChatResult>;
