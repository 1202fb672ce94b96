import { RoutekitError } from '@routekit/core';

/**
 * A command line the command cannot run: an unknown flag, a flag without its value or with a bad
 * one, a missing argument. The CLI prints its message on one line and exits with code 2, the
 * shell's convention for a usage error (1 is left for a run that started and failed).
 */
export class UsageError extends RoutekitError {
  constructor(message: string, options: { flag?: string } = {}) {
    super(message, { status: 400, type: 'invalid_request_error', code: 'invalid_argument', param: options.flag ?? null });
  }
}
