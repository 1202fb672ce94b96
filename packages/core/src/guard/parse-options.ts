import type { z } from 'zod';
import { InvalidRequestError } from '../errors.js';

/** Parses options at the edge; the error names the field, e.g. `perKey.limits.daily_usd`. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.infer<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || '(root)';
  throw new InvalidRequestError(`Invalid ${what} option ${field}: ${issue.message}`, { code: 'invalid_configuration', param: field });
}
