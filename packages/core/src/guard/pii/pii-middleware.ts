import { z } from 'zod';
import type { EngineMiddleware } from '../../pipeline/engine-middleware.js';
import { parseOptions } from '../parse-options.js';
import { createPiiDetection, type CustomPiiPattern } from './pii-detection.js';
import { PiiSession, type PiiAction, type PiiSessionOptions } from './pii-session.js';
import { redactRequest } from './redact-request.js';
import { restoreResult } from './restore-result.js';

/** A custom pattern, optionally with its own action. */
export interface CustomPiiRule extends CustomPiiPattern {
  action?: PiiAction;
}

export interface PiiOptions {
  /** The built-in types to look for; defaults to `defaultPiiTypes` (names off: see pii-detection.ts). */
  types?: readonly string[];
  /** The action for types without one in `actions`; default `redact`. */
  defaultAction?: PiiAction;
  /** Actions per type, e.g. `{ CREDIT_CARD: 'block', PHONE: 'mask' }`. */
  actions?: Readonly<Record<string, PiiAction>>;
  /** Extra patterns of the user's own, each a type (and placeholder name) of its own. */
  customPatterns?: readonly CustomPiiRule[];
  /** Put the original values back where the answer repeats a placeholder; default true. */
  restore?: boolean;
  /**
   * Most characters of text checked per request (all fields together, each string counted as at
   * least 64, since every string checked has a fixed cost); a request with more is
   * refused with 413 `pii_scan_limit` rather than sent on unchecked. Default 1,000,000 (~0.2 s of
   * detection on a PII-dense log, bench/redaction.ts); the HTTP body limit is 4 MiB.
   */
  maxScanCharacters?: number;
}

const action = z.enum(['redact', 'mask', 'block']);

/** PII options as they may come from a configuration file (patterns as regex sources). */
export const piiOptionsSchema = z.object({
  types: z.array(z.string()).optional(),
  defaultAction: action.optional(),
  actions: z.record(z.string(), action).optional(),
  customPatterns: z.array(z.object({ name: z.string().regex(/^[A-Z][A-Z0-9_]*$/), pattern: z.union([z.string().min(1), z.instanceof(RegExp)]), action: action.optional() })).optional(),
  restore: z.boolean().optional(),
  maxScanCharacters: z.number().int().positive().optional(),
});

/** One reusable policy: detection plus an action per type. */
export interface PiiPolicy {
  /** Starts the bookkeeping of one request (placeholders are numbered per request); `nonce: true` makes them unforgeable. */
  createSession(options?: Pick<PiiSessionOptions, 'nonce'>): PiiSession;
}

/**
 * Builds a redaction policy from options; `routekit redact` and the middleware share it.
 *
 * @example
 * const policy = createPiiPolicy({ actions: { CREDIT_CARD: 'block' } });
 * policy.createSession().redact('mail ana@example.com', 'text'); // 'mail <EMAIL_1>'
 */
export function createPiiPolicy(options: PiiOptions = {}): PiiPolicy {
  parseOptions(piiOptionsSchema, options, 'PII');
  const detect = createPiiDetection({ types: options.types, customPatterns: options.customPatterns });
  const actions = new Map<string, PiiAction>(Object.entries(options.actions ?? {}));
  for (const rule of options.customPatterns ?? []) if (rule.action !== undefined) actions.set(rule.name, rule.action);
  const defaultAction = options.defaultAction ?? 'redact';
  const actionFor = (type: string) => actions.get(type) ?? defaultAction;
  const maxScanCharacters = options.maxScanCharacters;
  return { createSession: (session = {}) => new PiiSession(detect, actionFor, { ...session, maxScanCharacters }) };
}

/**
 * Redacts PII from every message before the request goes on (so caches, routing and providers see
 * only placeholders), and restores the original values in the answer, streamed or not.
 *
 * @example
 * const pii = createPiiMiddleware({ actions: { US_SSN: 'block', CREDIT_CARD: 'mask' } });
 */
export function createPiiMiddleware(options: PiiOptions = {}): EngineMiddleware {
  const policy = createPiiPolicy(options);
  const restore = options.restore ?? true;
  return {
    name: 'pii',
    async wrapRequest(exchange, next) {
      // A nonce per request: a placeholder the user typed (`<EMAIL_1>`) is never one of ours.
      const session = policy.createSession({ nonce: true });
      try {
        exchange.request = redactRequest(exchange.request, session);
      } finally {
        const taken = session.actionsTaken;
        const action = taken.has('block') ? 'block' : taken.size === 0 ? 'none' : [...taken].sort().join('+');
        exchange.receipt.pii = { action, detected: { ...session.detected } };
      }
      const result = await next();
      return restore ? restoreResult(result, session) : result;
    },
  };
}
