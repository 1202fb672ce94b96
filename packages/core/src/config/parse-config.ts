import type { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { closestOption } from './closest-option.js';

export interface ParseConfigOptions {
  /** Where the value sits in the user's config, e.g. `cache`; key paths in errors start with it. */
  path?: string;
}

/**
 * Validates configuration against a schema of strict objects and throws a `ConfigurationError`
 * whose `key` is the offending path and whose message names it, with the expected spelling for an
 * unknown key: `cache.similarityTreshold is not an option; did you mean similarityThreshold?`.
 * Values are never echoed, since config holds secrets (provider keys, key hashes).
 *
 * @example
 * const options = parseConfig(z.strictObject({ ttlSeconds: z.number().optional() }), input, { path: 'cache' });
 */
export function parseConfig<Schema extends z.ZodType>(schema: Schema, value: unknown, options: ParseConfigOptions = {}): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const root = options.path === undefined || options.path === '' ? [] : [options.path];
  throw configurationErrorOf(schema, parsed.error.issues[0]!, root);
}

/** The dotted path of a key, `rateLimits.keys["team search"].requestsPerMinute`. */
export function keyPath(parts: ReadonlyArray<PropertyKey>): string {
  let path = '';
  for (const part of parts) {
    if (typeof part === 'number') path += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(part))) path += path === '' ? String(part) : `.${String(part)}`;
    else path += `[${JSON.stringify(String(part).slice(0, 60))}]`;
  }
  return path === '' ? '(root)' : path;
}

function configurationErrorOf(schema: z.ZodType, issue: z.core.$ZodIssue, root: PropertyKey[]): ConfigurationError {
  const path = [...root, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const unknown = issue.keys[0]!;
      const key = keyPath([...path, unknown]);
      const options = optionsAt(schema, issue.path);
      const suggestion = closestOption(unknown, options);
      const hint = suggestion !== undefined ? `did you mean ${suggestion}?` : options.length > 0 ? `the options${path.length > 0 ? ` of ${keyPath(path)}` : ''} are ${options.join(', ')}.` : 'it takes no options.';
      return new ConfigurationError(`${key} is not an option; ${hint}`, { key });
    }
    case 'invalid_union': {
      // `pii: true | { ... }`: report the branch that got furthest, i.e. the object's own issue.
      const branches = issue.errors.filter((errors) => errors.length > 0);
      const deepest = branches.map((errors) => errors[0]!).sort((left, right) => right.path.length - left.path.length || rank(left) - rank(right))[0];
      if (deepest !== undefined && (deepest.path.length > 0 || deepest.code !== 'invalid_type')) {
        return configurationErrorOf(schemaAt(schema, issue.path) ?? schema, deepest, path);
      }
      const key = keyPath(path);
      return new ConfigurationError(`${key} has an invalid type.`, { key });
    }
    default: {
      const key = keyPath(path);
      return new ConfigurationError(`${key} ${describe(issue)}.`, { key });
    }
  }
}

/** Among a union's first issues, an unknown key or a wrong value says more than a wrong type. */
function rank(issue: z.core.$ZodIssue): number {
  return issue.code === 'invalid_type' ? 1 : 0;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${issue.expected === 'custom' ? 'of another type' : issue.expected}`;
    case 'too_small':
      return `must be ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : issue.origin === 'string' ? ' characters' : ''}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be an http(s) URL' : issue.format === 'regex' && !/^Invalid/.test(issue.message) ? issue.message : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'custom':
      return /^Invalid/.test(issue.message) ? 'is invalid' : issue.message;
    default:
      return 'is invalid';
  }
}

/** The schema at a path of keys, looking through optional, nullable, default, union and pipe. */
function schemaAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const part of path) {
    if (current === undefined) return undefined;
    current = childOf(current, part);
  }
  return current;
}

function childOf(schema: z.ZodType, part: PropertyKey): z.ZodType | undefined {
  const definition = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (definition.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return childOf(definition.innerType as z.ZodType, part);
    case 'pipe':
      return childOf(definition.in as z.ZodType, part);
    case 'union':
      for (const option of definition.options as z.ZodType[]) {
        const child = childOf(option, part);
        if (child !== undefined) return child;
      }
      return undefined;
    case 'object':
      return Object.hasOwn(definition.shape as object, part) ? (definition.shape as Record<PropertyKey, z.ZodType>)[part] : undefined;
    case 'record':
      return definition.valueType as z.ZodType;
    case 'array':
      return typeof part === 'number' ? (definition.element as z.ZodType) : undefined;
    default:
      return undefined;
  }
}

/** The keys the object schema at `path` accepts. */
function optionsAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  const target = schemaAt(schema, path);
  return target === undefined ? [] : objectKeys(target);
}

function objectKeys(schema: z.ZodType): string[] {
  const definition = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (definition.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return objectKeys(definition.innerType as z.ZodType);
    case 'pipe':
      return objectKeys(definition.in as z.ZodType);
    case 'union':
      return [...new Set((definition.options as z.ZodType[]).flatMap(objectKeys))];
    case 'object':
      return Object.keys(definition.shape as object);
    default:
      return [];
  }
}
