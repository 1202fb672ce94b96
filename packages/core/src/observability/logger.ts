import { currentIsoTime } from '../receipts/current-iso-time.js';

/** The levels routekit logs at, most severe first. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * The logging calls routekit makes: pino's signature (an object of fields, then a message), so a
 * pino logger (or any logger with the same four methods) can be passed as it is.
 */
export interface Logger {
  error(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  debug(fields: Record<string, unknown>, message?: string): void;
}

const severity: Record<LogLevel | 'silent', number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export interface JsonLoggerOptions {
  /** The most verbose level written; default `ROUTEKIT_LOG_LEVEL`, then `LOG_LEVEL`, then `info`. */
  level?: LogLevel | 'silent';
  /** Where lines go; default standard error, batched (see `bufferedStandardError`). */
  write?: (line: string) => void;
}

/**
 * The default logger: one JSON object per line (`time`, `level`, `msg` and the fields), to standard
 * error, at the level the environment sets.
 *
 * @example
 * const logger = createJsonLogger({ level: 'warn' });
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const configured = options.level ?? levelFromEnvironment();
  const threshold = severity[configured];
  const write = options.write ?? bufferedStandardError();
  const at = (level: LogLevel) => (fields: Record<string, unknown>, message?: string) => {
    if (severity[level] > threshold) return;
    write(`${JSON.stringify({ time: currentIsoTime(), level, ...(message !== undefined && { msg: message }), ...fields })}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

let shared: ((line: string) => void) | undefined;

/**
 * Standard error, one write per turn of the event loop instead of one per line: a write to a pipe
 * or a file is synchronous in Node, and a line per request made it a tenth of the gateway's CPU
 * time. What is still buffered is written when the process exits.
 */
export function bufferedStandardError(): (line: string) => void {
  if (shared !== undefined) return shared;
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    process.stderr.write(text);
  };
  process.once('exit', flush);
  shared = (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
  return shared;
}

function levelFromEnvironment(): LogLevel | 'silent' {
  const value = (process.env.ROUTEKIT_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'info').toLowerCase();
  return Object.hasOwn(severity, value) ? (value as LogLevel | 'silent') : 'info';
}

/**
 * What an error may say in a log: its class, code and status, and the stack's frames, but not the
 * first line of a foreign error's message, which can quote request text (JSON.parse does).
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const own = error as Error & { code?: unknown; status?: unknown; type?: unknown };
  const routekit = typeof own.status === 'number' && typeof own.type === 'string';
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 8).map((line) => line.trim());
  return {
    name: error.name,
    ...(typeof own.code === 'string' && { code: own.code }),
    ...(typeof own.status === 'number' && { status: own.status }),
    // routekit's own messages are written for users and never hold prompt text.
    ...(routekit && { message: error.message }),
    ...(frames.length > 0 && { stack: frames }),
    ...(error.cause !== undefined && { cause: describeError(error.cause) }),
  };
}
