import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

/**
 * `util.parseArgs` (strict, its default), with its errors turned into UsageErrors that name the flag:
 * `unknown option --tresh`, `--threshold needs a value`, `--json takes no value`.
 *
 * @example
 * const { values, positionals } = parseCommandLine({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } });
 */
export function parseCommandLine<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    // strict is parseArgs' default: unknown options and a missing value throw, which is what is wanted.
    return parseArgs(config);
  } catch (error) {
    throw usageErrorOf(error);
  }
}

function usageErrorOf(error: unknown): unknown {
  const { code, message } = error as { code?: string; message?: string };
  // Node quotes the offending token first: "Unknown option '--x'", "Option '--y <value>' argument missing".
  const token = /'([^' ]+)/.exec(message ?? '')?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${token}`, { flag: token });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(message?.includes('does not take') ? `${token} takes no value` : `${token} needs a value`, { flag: token });
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${JSON.stringify(token)}; this command takes none`);
    default:
      return error;
  }
}

/** The limits a numeric flag's value must respect. */
export interface NumberLimits {
  /** Only whole numbers. */
  integer?: boolean;
  /** The smallest allowed value (inclusive). */
  minimum?: number;
  /** Values must be above this (exclusive). */
  above?: number;
  /** The largest allowed value (inclusive). */
  maximum?: number;
  /** What the value should be, for the message: "a number in (0, 1]". */
  expected: string;
}

/**
 * Reads a numeric flag's value; a UsageError names the flag, what it expects and what it got.
 *
 * @example
 * const port = numberFlag('--port', values.port, { integer: true, minimum: 0, maximum: 65535, expected: 'a port number (0-65535)' });
 */
export function numberFlag(flag: string, text: string, limits: NumberLimits): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const valid =
    Number.isFinite(value) &&
    (!limits.integer || Number.isInteger(value)) &&
    (limits.minimum === undefined || value >= limits.minimum) &&
    (limits.above === undefined || value > limits.above) &&
    (limits.maximum === undefined || value <= limits.maximum);
  if (!valid) throw new UsageError(`${flag}: expected ${limits.expected}, got ${JSON.stringify(text)}`, { flag });
  return value;
}

/** The single positional argument a command needs (a file); a UsageError when there is not exactly one. */
export function onePositional(positionals: readonly string[], what: string): string {
  if (positionals.length === 1) return positionals[0]!;
  throw new UsageError(positionals.length === 0 ? `missing ${what}` : `expected one ${what}, got ${positionals.length} arguments`);
}
