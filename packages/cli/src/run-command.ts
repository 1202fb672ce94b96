import { RoutekitError } from '@routekit/core';
import type { Command } from './commands.js';
import { UsageError } from './usage-error.js';

/**
 * Runs a command and turns whatever it throws into one line on stderr and an exit code: 2 for a
 * usage error (unknown flag, bad value, missing argument), 1 for a run that failed. Never a stack
 * trace: a person at a terminal needs the one line; `ROUTEKIT_DEBUG=1` adds the stack of an
 * unexpected error for whoever debugs the CLI itself.
 *
 * @example
 * process.exitCode = await runCommand('cache-eval', cacheEval, ['pairs.jsonl', '--json']);
 */
export async function runCommand(name: string, command: Command, argv: string[], stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  try {
    return await command.run(argv);
  } catch (error) {
    stderr.write(`routekit ${name}: ${failureMessage(name, error)}\n`);
    if (process.env.ROUTEKIT_DEBUG === '1' && error instanceof Error && !(error instanceof RoutekitError)) stderr.write(`${error.stack}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

const fileProblems = new Map([
  ['ENOENT', 'no such file or directory'],
  ['EACCES', 'permission denied'],
  ['EISDIR', 'is a directory, not a file'],
  ['ENOTDIR', 'a part of the path is not a directory'],
]);

/** The one-line message for an error a command threw. */
export function failureMessage(name: string, error: unknown): string {
  let message: string;
  const file = error as NodeJS.ErrnoException;
  if (error instanceof UsageError) message = `${error.message} (see routekit ${name} --help)`;
  else if (error instanceof RoutekitError || error instanceof SyntaxError) message = error.message;
  else if (typeof file?.code === 'string' && typeof file.path === 'string') message = `${file.path}: ${fileProblems.get(file.code) ?? file.code}`;
  else message = `unexpected error: ${error instanceof Error ? error.message : String(error)} (ROUTEKIT_DEBUG=1 prints where)`;
  // One line, whatever the message carried (zod issues and JSON parse errors can span several).
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
